import type { TFunction } from 'i18next';

/** "Udgave 2 – Høringsudkast", or "Udgave 2" without a label. */
export function snapshotName(t: TFunction, snapshot: { number: number; label: string }): string {
  return snapshot.label
    ? t('snapshots.nameWithLabel', { number: snapshot.number, label: snapshot.label })
    : t('snapshots.name', { number: snapshot.number });
}
