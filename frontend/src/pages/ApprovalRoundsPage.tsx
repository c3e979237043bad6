import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { DeadlineFields, deadlineFieldIds, useDeadlineInput } from '../components/DeadlineFields';
import { DocumentHeader } from '../components/DocumentHeader';
import { RoundSummary } from '../components/RoundSummary';
import { ErrorSummary } from '../components/errors';
import { CheckboxField, OrganizationsField } from '../components/choices';
import { SubmitButton, useFormMutation } from '../components/forms';
import { usePageTitle } from '../components/page';
import { SnapshotField } from '../components/SnapshotField';
import { TextField } from '../components/TextField';
import { graphql } from '../gql';
import { dateInAWeek, describeWallClock, toApiValue } from '../lib/danishDeadline';
import { snapshotName } from '../lib/snapshotName';
import { useDocumentPage } from './DocumentPage';

const ApprovalRoundsQuery = graphql(`
  query ApprovalRounds($slug: String!) {
    document(slug: $slug) {
      id
      slug
      title
      viewerCan {
        runApprovalRounds
      }
      approvalRoundBlocker
      approverOrganizations {
        id
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
        <OpenRoundForm
          documentId={document.id}
          documentSlug={document.slug}
          documentTitle={document.title}
          blocker={document.approvalRoundBlocker ?? null}
          snapshots={document.snapshots}
          participants={document.participants}
          approvers={document.approverOrganizations.map((org) => org.id)}
        />
      )}
    </>
  );
}

function OpenRoundForm(props: {
  documentId: string;
  documentSlug: string;
  documentTitle: string;
  blocker: string | null;
  snapshots: readonly { id: string; number: number; label: string }[];
  participants: readonly { id: string; name: string; shortName: string }[];
  approvers: readonly string[];
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [snapshotId, setSnapshotId] = useState(props.snapshots[0]?.id ?? '');
  const [title, setTitle] = useState(t('approval.defaultTitle', { title: midSentence(props.documentTitle) }));
  const deadline = useDeadlineInput(dateInAWeek);
  // Chosen explicitly: by default the participants with an approver, never every participant.
  const [organizationIds, setOrganizationIds] = useState<string[]>(() => props.participants.filter((org) => props.approvers.includes(org.id)).map((org) => org.id));
  const [silenceIsConsent, setSilenceIsConsent] = useState(false);
  const { wallClock } = deadline;
  const language = i18n.resolvedLanguage === 'en' ? 'en' : 'da';
  const snapshot = props.snapshots.find((s) => s.id === snapshotId);
  const chosen = props.participants.filter((org) => organizationIds.includes(org.id));
  const fieldIds = {
    snapshotId: 'round-snapshot',
    title: 'round-title',
    ...deadlineFieldIds('round'),
    organizationIds: `round-org-${props.participants[0]?.id ?? ''}`,
  };
  const open = useFormMutation(OpenRoundMutation, 'openApprovalRound', 'ApprovalRoundOpened', { fieldIds });
  const { problems } = open;

  async function handleSubmit() {
    const missing = deadline.problems(t);
    if (!snapshotId) missing.snapshotId = t('approval.snapshotRequired');
    if (!title.trim()) missing.title = t('approval.titleRequired');
    if (organizationIds.length === 0) missing.organizationIds = t('approval.partiesRequired');
    if (Object.keys(missing).length > 0 || !wallClock) return open.refuse(missing);
    const opened = await open.run({
      input: { snapshotId, title, deadline: toApiValue(wallClock), organizationIds, silenceIsConsent },
    });
    if (opened) await navigate(`/approval-rounds/${encodeURIComponent(opened.round.id)}`);
  }

  return (
    <section className="panel" aria-labelledby="open-round-title">
      <h2 id="open-round-title">{t('approval.openTitle')}</h2>
      <ErrorSummary errors={problems.summary} />
      {props.blocker ? (
        // Not offered when it cannot succeed: say why, and where to change it.
        <p>
          {props.blocker} <Link to={`/documents/${encodeURIComponent(props.documentSlug)}/settings`}>{t('approval.toSettings')}</Link>
        </p>
      ) : props.snapshots.length === 0 ? (
        <p>{t('approval.needSnapshot')}</p>
      ) : (
        <form onSubmit={open.onSubmit(handleSubmit)} noValidate>
          <SnapshotField {...open.field('snapshotId', [snapshotId, setSnapshotId])} label={t('approval.snapshot')} hint={t('approval.snapshotHint')} snapshots={props.snapshots} />
          <TextField {...open.field('title', [title, setTitle])} label={t('approval.title')} />
          <DeadlineFields legend={t('approval.deadlineLegend')} deadline={deadline} form={open} />
          <OrganizationsField
            legend={t('approval.parties')}
            hint={t('approval.partiesHint')}
            idPrefix="round-"
            organizations={props.participants}
            chosen={organizationIds}
            onChange={setOrganizationIds}
            error={problems.fields.organizationIds}
          />
          <CheckboxField
            hintId="silence-hint"
            label={t('approval.silenceIsConsent')}
            hint={t('approval.silenceHint')}
            checked={silenceIsConsent}
            onChange={setSilenceIsConsent}
          />
          <section className="round-summary-box" aria-labelledby="round-summary-title" aria-live="polite">
            <h3 id="round-summary-title">{t('approval.summaryTitle')}</h3>
            <p>
              {t('approval.summaryWhat', {
                snapshot: snapshot ? snapshotName(t, snapshot) : '–',
                parties: chosen.length > 0 ? chosen.map((org) => org.shortName).join(', ') : t('approval.summaryNoParties'),
                count: chosen.length,
              })}
            </p>
            <p>{wallClock ? t('approval.summaryDeadline', { deadline: describeWallClock(wallClock, language) }) : t('approval.summaryNoDeadline')}</p>
            <p>{silenceIsConsent ? t('approval.summarySilenceYes') : t('approval.summarySilenceNo')}</p>
          </section>
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
