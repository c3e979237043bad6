import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { DocumentHeader } from '../components/DocumentHeader';
import { RoundSummary } from '../components/RoundSummary';
import { ErrorSummary } from '../components/errors';
import { CheckboxField, Checkboxes, ChoiceFieldset } from '../components/choices';
import { SelectField, SubmitButton, useFormMutation } from '../components/forms';
import { usePageTitle } from '../components/page';
import { TextField } from '../components/TextField';
import { graphql } from '../gql';
import { snapshotName } from '../lib/snapshotName';
import { useDocumentPage } from './DocumentPage';

const ApprovalRoundsQuery = graphql(`
  query ApprovalRounds($slug: String!) {
    document(slug: $slug) {
      id
      title
      viewerCan {
        runApprovalRounds
      }
      participants {
        id
        name
        shortName
      }
      snapshots {
        id
        number
        label
      }
      approvalRounds {
        id
        ...RoundSummary
      }
      ...DocumentHeader
    }
  }
`);

const OpenRoundMutation = graphql(`
  mutation OpenApprovalRound($input: OpenApprovalRoundInput!) {
    openApprovalRound(input: $input) {
      __typename
      ... on ApprovalRoundOpened {
        round {
          id
        }
      }
      ...UserError
    }
  }
`);

export function ApprovalRoundsPage() {
  const { t } = useTranslation();
  const { document, gate } = useDocumentPage(ApprovalRoundsQuery);
  usePageTitle(t('approval.listTitle'));

  if (!document) return gate;

  return (
    <>
      <DocumentHeader document={document} heading={t('approval.listTitle')} />
      <p className="lead">{t('approval.intro')}</p>
      {document.approvalRounds.length === 0 ? (
        <p>{t('approval.none')}</p>
      ) : (
        <ul className="round-list">
          {document.approvalRounds.map((round) => (
            <RoundSummary key={round.id} round={round} />
          ))}
        </ul>
      )}
      {document.viewerCan.runApprovalRounds && (
        <OpenRoundForm documentId={document.id} documentTitle={document.title} snapshots={document.snapshots} participants={document.participants} />
      )}
    </>
  );
}

/** A datetime-local value a week ahead at noon, Copenhagen wall-clock time. */
function defaultDeadline(): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Copenhagen',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(Date.now() + 7 * 86_400_000));
  return `${parts}T12:00`;
}

function OpenRoundForm(props: {
  documentId: string;
  documentTitle: string;
  snapshots: readonly { id: string; number: number; label: string }[];
  participants: readonly { id: string; name: string; shortName: string }[];
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [snapshotId, setSnapshotId] = useState(props.snapshots[0]?.id ?? '');
  const [title, setTitle] = useState(t('approval.defaultTitle', { title: midSentence(props.documentTitle) }));
  const [deadline, setDeadline] = useState(defaultDeadline);
  const [organizationIds, setOrganizationIds] = useState<string[]>(props.participants.map((org) => org.id));
  const [silenceIsConsent, setSilenceIsConsent] = useState(false);
  const fieldIds = {
    snapshotId: 'round-snapshot',
    title: 'round-title',
    deadline: 'round-deadline',
    organizationIds: `round-org-${props.participants[0]?.id ?? ''}`,
  };
  const open = useFormMutation(OpenRoundMutation, 'openApprovalRound', 'ApprovalRoundOpened', { fieldIds });
  const { problems } = open;

  async function handleSubmit() {
    const missing: Record<string, string> = {};
    if (!snapshotId) missing.snapshotId = t('approval.snapshotRequired');
    if (!title.trim()) missing.title = t('approval.titleRequired');
    if (!deadline) missing.deadline = t('approval.deadlineRequired');
    if (organizationIds.length === 0) missing.organizationIds = t('approval.partiesRequired');
    if (Object.keys(missing).length > 0) return open.refuse(missing);
    // Without an offset the server reads the time as Copenhagen wall-clock time.
    const opened = await open.run({
      input: { snapshotId, title, deadline: deadline.length === 16 ? `${deadline}:00` : deadline, organizationIds, silenceIsConsent },
    });
    if (opened) await navigate(`/approval-rounds/${encodeURIComponent(opened.round.id)}`);
  }

  return (
    <section className="panel" aria-labelledby="open-round-title">
      <h2 id="open-round-title">{t('approval.openTitle')}</h2>
      <ErrorSummary errors={problems.summary} />
      {props.snapshots.length === 0 ? (
        <p>{t('approval.needSnapshot')}</p>
      ) : (
        <form onSubmit={open.onSubmit(handleSubmit)} noValidate>
          <SelectField
            id={fieldIds.snapshotId}
            label={t('approval.snapshot')}
            hint={t('approval.snapshotHint')}
            value={snapshotId}
            onChange={(event) => setSnapshotId(event.target.value)}
            error={problems.fields.snapshotId}
            options={props.snapshots.map((snapshot) => ({ value: snapshot.id, label: snapshotName(t, snapshot) }))}
          />
          <TextField id={fieldIds.title} label={t('approval.title')} value={title} onChange={(event) => setTitle(event.target.value)} error={problems.fields.title} />
          <TextField
            id={fieldIds.deadline}
            type="datetime-local"
            label={t('approval.deadline')}
            hint={t('approval.deadlineHint')}
            value={deadline}
            onChange={(event) => setDeadline(event.target.value)}
            error={problems.fields.deadline}
          />
          <ChoiceFieldset legend={t('approval.parties')} error={problems.fields.organizationIds} errorId="round-orgs-error">
            <Checkboxes
              options={props.participants.map((org) => ({ value: org.id, label: org.name }))}
              chosen={organizationIds}
              onChange={setOrganizationIds}
              idPrefix="round-org-"
            />
          </ChoiceFieldset>
          <CheckboxField
            hintId="silence-hint"
            label={t('approval.silenceIsConsent')}
            hint={t('approval.silenceHint')}
            checked={silenceIsConsent}
            onChange={setSilenceIsConsent}
          />
          <SubmitButton busy={open.fetching}>{t('approval.open')}</SubmitButton>
        </form>
      )}
    </section>
  );
}

/** A title used inside a sentence: "Kommissorium for …" → "kommissorium for …", but "KL's …" stays. */
function midSentence(title: string): string {
  const [first = '', second = ''] = title;
  return second && second === second.toLowerCase() ? first.toLowerCase() + title.slice(1) : title;
}
