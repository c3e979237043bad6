import { useTranslation } from 'react-i18next';
import { snapshotName } from '../lib/snapshotName';
import { SelectField } from './forms';
import type { BoundField } from './forms';

/** A choice of one of a document's snapshots, by their names ("Version 3 – til høring"). */
export function SnapshotField({
  snapshots,
  ...field
}: Omit<BoundField, 'error'> & { error?: string | undefined; label: string; hint?: string; snapshots: readonly { id: string; number: number; label: string }[] }) {
  const { t } = useTranslation();
  return <SelectField {...field} options={snapshots.map((snapshot) => ({ value: snapshot.id, label: snapshotName(t, snapshot) }))} />;
}
