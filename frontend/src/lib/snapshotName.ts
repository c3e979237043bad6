import type { TFunction } from 'i18next';

/** "Udgave 2 – Høringsudkast", or "Udgave 2" without a label. */
// Without a label, or with the default label older snapshots were given ("Udkast 2"), it is
// just "Udgave 2", as the server's snapshot_name says it.
export function snapshotName(t: TFunction, snapshot: { number: number; label: string }): string {
  const label = snapshot.label.trim();
  return label && label !== `Udkast ${snapshot.number}`
    ? t('snapshots.nameWithLabel', { number: snapshot.number, label })
    : t('snapshots.name', { number: snapshot.number });
}
