import type { TFunction } from 'i18next';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dateInAWeek, describeWallClock, toApiValue } from '../lib/danishDeadline';
import { OrganizationsField } from './choices';
import { type DeadlineInput, DeadlineFields, deadlineFieldIds, useDeadlineInput } from './DeadlineFields';
import type { BoundField, TextState } from './forms';
import { SnapshotField } from './SnapshotField';

type Snapshot = { id: string; number: number; label: string };
type Organization = { id: string; name: string; shortName: string };

/** What opening a written procedure and opening a consultation share: a snapshot, a deadline, the organisations asked. */
export interface Opening {
  snapshotId: TextState;
  deadline: DeadlineInput;
  organizationIds: readonly [string[], (chosen: string[]) => void];
  /** The form's ids of these fields, by the server's field names; `idPrefix`-snapshot and so on. */
  fieldIds: { snapshotId: string; deadline: string; deadlineTime: string; organizationIds: string };
  snapshot: Snapshot | undefined;
  snapshots: readonly Snapshot[];
  organizations: readonly Organization[];
  idPrefix: string;
}

/** The state of an opening form: the newest snapshot, a deadline a week from now at noon, `chosen` organisations. */
export function useOpening(idPrefix: string, snapshots: readonly Snapshot[], organizations: readonly Organization[], chosen: () => string[]): Opening {
  const snapshotId = useState(snapshots[0]?.id ?? '');
  const deadline = useDeadlineInput(dateInAWeek);
  const organizationIds = useState<string[]>(chosen);
  return {
    snapshotId,
    deadline,
    organizationIds,
    fieldIds: { snapshotId: `${idPrefix}-snapshot`, ...deadlineFieldIds(idPrefix), organizationIds: `${idPrefix}-org-${organizations[0]?.id ?? ''}` },
    snapshot: snapshots.find((snapshot) => snapshot.id === snapshotId[0]),
    snapshots,
    organizations,
    idPrefix,
  };
}

/** The shared part of an opening mutation's input. */
export interface OpeningInput {
  snapshotId: string;
  deadline: string;
  organizationIds: string[];
}

/**
 * The shared part of the input, or what is missing by the server's field names, in the order the
 * summary lists it: the deadline, the snapshot, the workflow's `own` problems, the organisations.
 */
export function checkOpening(
  opening: Opening,
  t: TFunction,
  messages: { snapshot: string; parties: string },
  own: Record<string, string>,
): { input: OpeningInput } | { missing: Record<string, string> } {
  const missing = opening.deadline.problems(t);
  const [snapshotId] = opening.snapshotId;
  const [organizationIds] = opening.organizationIds;
  if (!snapshotId) missing.snapshotId = messages.snapshot;
  Object.assign(missing, own);
  if (organizationIds.length === 0) missing.organizationIds = messages.parties;
  const { wallClock } = opening.deadline;
  if (Object.keys(missing).length > 0 || !wallClock) return { missing };
  return { input: { snapshotId, deadline: toApiValue(wallClock), organizationIds } };
}

/** The labels of an opening form's shared fields, in the workflow's own words. */
export interface OpeningLabels {
  snapshot: string;
  snapshotHint: string;
  deadline: string;
  parties: string;
  partiesHint: string;
}

/** The snapshot, then the workflow's own fields (`children`), then the deadline and the organisations. */
export function OpeningFields(props: {
  opening: Opening;
  form: { field: (name: 'snapshotId' | 'deadline' | 'deadlineTime', state: TextState) => BoundField; problems: { fields: Record<string, string> } };
  labels: OpeningLabels;
  /** Many organisations: lay them out in columns. */
  columns?: boolean;
  children: ReactNode;
}) {
  const { opening, form, labels } = props;
  return (
    <>
      <SnapshotField {...form.field('snapshotId', opening.snapshotId)} label={labels.snapshot} hint={labels.snapshotHint} snapshots={opening.snapshots} />
      {props.children}
      <DeadlineFields legend={labels.deadline} deadline={opening.deadline} form={form} />
      <OrganizationsField
        legend={labels.parties}
        hint={labels.partiesHint}
        idPrefix={`${opening.idPrefix}-`}
        organizations={opening.organizations}
        chosen={opening.organizationIds[0]}
        onChange={opening.organizationIds[1]}
        error={form.problems.fields.organizationIds}
        columns={props.columns}
      />
    </>
  );
}

/**
 * What submitting the form will open, said as it is typed (announced politely): `what` is sent to
 * whom, the deadline (in the workflow's words: `deadline` of the described time, or `noDeadline`),
 * then the workflow's own lines (`children`).
 */
export function OpeningSummary(props: {
  opening: Opening;
  title: string;
  what: string;
  deadline: (deadline: string) => string;
  noDeadline: string;
  children: ReactNode;
}) {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage === 'en' ? 'en' : 'da';
  const { wallClock } = props.opening.deadline;
  const titleId = `${props.opening.idPrefix}-summary-title`;
  return (
    <section className="round-summary-box" aria-labelledby={titleId} aria-live="polite">
      <h3 id={titleId}>{props.title}</h3>
      <p>{props.what}</p>
      <p>{wallClock ? props.deadline(describeWallClock(wallClock, language)) : props.noDeadline}</p>
      {props.children}
    </section>
  );
}
