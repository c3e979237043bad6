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

/** The deadline workflows a document can open, by their namespace in the locale files. */
type Workflow = 'approval' | 'consultation';

const idPrefixes: Record<Workflow, string> = { approval: 'round', consultation: 'consultation' };

/** What opening a written procedure and opening a consultation share: a snapshot, a deadline, the organisations asked. */
export interface Opening {
  /** Whose words: the labels and messages are the workflow's own (`approval.snapshot`, `consultation.snapshot`, …). */
  workflow: Workflow;
  snapshotId: TextState;
  deadline: DeadlineInput;
  organizationIds: readonly [string[], (chosen: string[]) => void];
  /** The form's ids of these fields, by the server's field names: round-snapshot, consultation-snapshot, …. */
  fieldIds: { snapshotId: string; deadline: string; deadlineTime: string; organizationIds: string };
  snapshot: Snapshot | undefined;
  snapshots: readonly Snapshot[];
  organizations: readonly Organization[];
}

/** The state of an opening form: the newest snapshot, a deadline a week from now at noon, `chosen` organisations. */
export function useOpening(workflow: Workflow, snapshots: readonly Snapshot[], organizations: readonly Organization[], chosen: () => string[]): Opening {
  const idPrefix = idPrefixes[workflow];
  const snapshotId = useState(snapshots[0]?.id ?? '');
  const deadline = useDeadlineInput(dateInAWeek);
  const organizationIds = useState<string[]>(chosen);
  return {
    workflow,
    snapshotId,
    deadline,
    organizationIds,
    fieldIds: { snapshotId: `${idPrefix}-snapshot`, ...deadlineFieldIds(idPrefix), organizationIds: `${idPrefix}-org-${organizations[0]?.id ?? ''}` },
    snapshot: snapshots.find((snapshot) => snapshot.id === snapshotId[0]),
    snapshots,
    organizations,
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
export function checkOpening(opening: Opening, t: TFunction, own: Record<string, string>): { input: OpeningInput } | { missing: Record<string, string> } {
  const missing = opening.deadline.problems(t);
  const [snapshotId] = opening.snapshotId;
  const [organizationIds] = opening.organizationIds;
  if (!snapshotId) missing.snapshotId = t(`${opening.workflow}.snapshotRequired`);
  Object.assign(missing, own);
  if (organizationIds.length === 0) missing.organizationIds = t(`${opening.workflow}.partiesRequired`);
  const { wallClock } = opening.deadline;
  if (Object.keys(missing).length > 0 || !wallClock) return { missing };
  return { input: { snapshotId, deadline: toApiValue(wallClock), organizationIds } };
}

/** The snapshot, then the workflow's own fields (`children`), then the deadline and the organisations. */
export function OpeningFields(props: {
  opening: Opening;
  form: { field: (name: 'snapshotId' | 'deadline' | 'deadlineTime', state: TextState) => BoundField; problems: { fields: Record<string, string> } };
  /** Many organisations: lay them out in columns. */
  columns?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { opening, form } = props;
  const { workflow } = opening;
  return (
    <>
      <SnapshotField {...form.field('snapshotId', opening.snapshotId)} label={t(`${workflow}.snapshot`)} hint={t(`${workflow}.snapshotHint`)} snapshots={opening.snapshots} />
      {props.children}
      <DeadlineFields legend={t(`${workflow}.deadlineLegend`)} deadline={opening.deadline} form={form} />
      <OrganizationsField
        legend={t(`${workflow}.parties`)}
        hint={t(`${workflow}.partiesHint`)}
        idPrefix={`${idPrefixes[workflow]}-`}
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
 * whom, the deadline, then the workflow's own lines (`children`).
 */
export function OpeningSummary(props: { opening: Opening; what: string; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage === 'en' ? 'en' : 'da';
  const { workflow, deadline } = props.opening;
  const titleId = `${idPrefixes[workflow]}-summary-title`;
  return (
    <section className="round-summary-box" aria-labelledby={titleId} aria-live="polite">
      <h3 id={titleId}>{t(`${workflow}.summaryTitle`)}</h3>
      <p>{props.what}</p>
      <p>
        {deadline.wallClock
          ? t(`${workflow}.summaryDeadline`, { deadline: describeWallClock(deadline.wallClock, language) })
          : t(`${workflow}.summaryNoDeadline`)}
      </p>
      {props.children}
    </section>
  );
}
