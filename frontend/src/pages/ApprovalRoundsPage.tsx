import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { DocumentHeader } from '../components/DocumentHeader';
import { RoundSummary } from '../components/RoundSummary';
import { ErrorSummary } from '../components/errors';
import { CheckboxField } from '../components/choices';
import { OpeningFields, OpeningSummary, checkOpening, useOpening } from '../components/OpeningFields';
import { SubmitButton, useFormMutation } from '../components/forms';
import { Panel, usePageTitle } from '../components/page';
import { TextField } from '../components/TextField';
import { graphql } from '../gql';
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

function OpenRoundForm(props: {
  documentId: string;
  documentSlug: string;
  documentTitle: string;
  blocker: string | null;
  snapshots: readonly { id: string; number: number; label: string }[];
  participants: readonly { id: string; name: string; shortName: string }[];
  approvers: readonly string[];
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [title, setTitle] = useState(t('approval.defaultTitle', { title: midSentence(props.documentTitle) }));
  // Chosen explicitly: by default the participants with an approver, never every participant.
  const opening = useOpening('approval', props.snapshots, props.participants, () =>
    props.participants.filter((org) => props.approvers.includes(org.id)).map((org) => org.id),
  );
  const [silenceIsConsent, setSilenceIsConsent] = useState(false);
  const { snapshot } = opening;
  const chosen = props.participants.filter((org) => opening.organizationIds[0].includes(org.id));
  const open = useFormMutation(OpenRoundMutation, 'openApprovalRound', 'ApprovalRoundOpened', { fieldIds: { ...opening.fieldIds, title: 'round-title' } });
  const { problems } = open;

  async function handleSubmit() {
    const own: Record<string, string> = title.trim() ? {} : { title: t('approval.titleRequired') };
    const checked = checkOpening(opening, t, own);
    if ('missing' in checked) return open.refuse(checked.missing);
    const opened = await open.run({ input: { ...checked.input, title, silenceIsConsent } });
    if (opened) await navigate(`/approval-rounds/${encodeURIComponent(opened.round.id)}`);
  }

  return (
    <Panel id="open-round-title" title={t('approval.openTitle')}>
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
          <OpeningFields opening={opening} form={open}>
            <TextField {...open.field('title', [title, setTitle])} label={t('approval.title')} />
          </OpeningFields>
          <CheckboxField
            hintId="silence-hint"
            label={t('approval.silenceIsConsent')}
            hint={t('approval.silenceHint')}
            checked={silenceIsConsent}
            onChange={setSilenceIsConsent}
          />
          <OpeningSummary
            opening={opening}
            what={t('approval.summaryWhat', {
              snapshot: snapshot ? snapshotName(t, snapshot) : '–',
              parties: chosen.length > 0 ? chosen.map((org) => org.shortName).join(', ') : t('approval.summaryNoParties'),
              count: chosen.length,
            })}
          >
            <p>{silenceIsConsent ? t('approval.summarySilenceYes') : t('approval.summarySilenceNo')}</p>
          </OpeningSummary>
          <SubmitButton busy={open.fetching}>{t('approval.open')}</SubmitButton>
        </form>
      )}
    </Panel>
  );
}

/** A title used inside a sentence: "Kommissorium for …" → "kommissorium for …", but "KL's …" stays. */
function midSentence(title: string): string {
  const [first = '', second = ''] = title;
  return second && second === second.toLowerCase() ? first.toLowerCase() + title.slice(1) : title;
}
