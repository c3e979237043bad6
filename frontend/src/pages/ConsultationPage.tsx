import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ConfirmCheckbox } from '../components/choices';
import { ConsultationParties } from '../components/ConsultationParties';
import { ConsultationStateTag, PartyStatusTag, partyStatusKey } from '../components/ConsultationTags';
import { Countdown } from '../components/Countdown';
import { DeadlineFields, deadlineFieldIds, useDeadlineInput } from '../components/DeadlineFields';
import { DocumentHeader } from '../components/DocumentHeader';
import { ReminderForm } from '../components/ReminderForm';
import { ErrorSummary } from '../components/errors';
import { type Problems, StatusMessage, SubmitButton, noProblems, useFormMutation } from '../components/forms';
import { Fact, usePageQuery, Panel, usePageTitle } from '../components/page';
import { ResponseDraftForm } from '../components/ResponseDraftForm';
import { TextField } from '../components/TextField';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { toApiValue } from '../lib/danishDeadline';
import { useDocumentEvents } from '../lib/live';
import { snapshotName } from '../lib/snapshotName';
import { useViewer } from '../viewer';
import { NotFound } from './NotFoundPage';

const ConsultationQuery = graphql(`
  query Consultation($id: ID!) {
    consultation(id: $id) {
      id
      state
      deadline
      acceptLate
      openedAt
      closedAt
      letterHtml
      snapshot {
        id
        number
        label
      }
      document {
        id
        slug
        ...DocumentHeader
      }
      viewerCan {
        manage
        respondFor {
          id
          name
          shortName
        }
      }
      parties {
        status
        late
        noResponse
        answersPublished
        organization {
          id
          name
          shortName
        }
      }
      ...ConsultationParties
    }
  }
`);

const RespondNoRemarksMutation = graphql(`
  mutation RespondNoRemarks($input: ConsultationPartyInput!) {
    respondNoRemarks(input: $input) {
      __typename
      ... on ConsultationAnswered {
        consultation {
          id
        }
      }
      ...UserError
    }
  }
`);

const DeclineConsultationMutation = graphql(`
  mutation DeclineConsultation($input: ConsultationPartyInput!) {
    declineConsultation(input: $input) {
      __typename
      ... on ConsultationAnswered {
        consultation {
          id
        }
      }
      ...UserError
    }
  }
`);

const ExtendConsultationMutation = graphql(`
  mutation ExtendConsultation($input: ExtendConsultationInput!) {
    extendConsultation(input: $input) {
      __typename
      ... on ConsultationExtended {
        consultation {
          id
          deadline
        }
      }
      ...UserError
    }
  }
`);

const CloseConsultationMutation = graphql(`
  mutation CloseConsultation($input: CloseConsultationInput!) {
    closeConsultation(input: $input) {
      __typename
      ... on ConsultationClosed {
        consultation {
          id
          state
        }
      }
      ...UserError
    }
  }
`);

const PublishAnswersMutation = graphql(`
  mutation PublishAnswers($input: PublishAnswersInput!) {
    publishAnswers(input: $input) {
      __typename
      ... on AnswersPublished {
        organizations {
          id
        }
      }
      ...UserError
    }
  }
`);

/**
 * One consultation (høring): its snapshot, deadline and høringsbrev, each party's status (the
 * høringsliste), the viewer's own party's answer, and for the secretariat extend, close and publish.
 */
export function ConsultationPage() {
  const { t } = useTranslation();
  const { consultationId = '' } = useParams();
  const viewer = useViewer();
  const { data, refresh, waiting } = usePageQuery({ query: ConsultationQuery, variables: { id: consultationId } });
  // Said above the forms, which are gone once the party has answered.
  const [answered, setAnswered] = useState('');
  const onAnswered = (message: string) => {
    setAnswered(message);
    refresh();
  };
  const consultation = data?.consultation;
  const name = consultation?.snapshot ? snapshotName(t, consultation.snapshot) : '';
  usePageTitle(consultation ? t('consultation.title', { snapshot: name }) : t('consultation.notFound'));
  // Parties answering and the closing appear as they happen.
  useDocumentEvents(consultation?.document?.id, (event) => {
    if (event.kind.startsWith('consultation.') || event.kind === 'comments.submitted') refresh();
  });

  if (waiting) return waiting;
  if (!consultation || !consultation.document) return <NotFound title={t('consultation.notFound')} home={t('document.allDocuments')} />;

  const open = consultation.state === 'OPEN';
  const own = consultation.parties.find((party) => party.organization && party.organization.id === viewer?.organization?.id);
  const slug = consultation.document.slug;

  return (
    <>
      <DocumentHeader document={consultation.document} heading={t('consultation.title', { snapshot: name })} badge={<ConsultationStateTag state={consultation.state} />} />
      <p>
        <Link to={`/documents/${encodeURIComponent(slug)}/consultations`}>{t('consultation.allConsultations')}</Link>
      </p>
      <dl className="meta-list meta-list--round">
        {consultation.snapshot && (
          <Fact term={t('consultation.snapshot')}>
            <Link to={`/snapshots/${encodeURIComponent(consultation.snapshot.id)}`}>{name}</Link>
          </Fact>
        )}
        <Fact term={t('consultation.deadline')}>{open ? <Countdown deadline={consultation.deadline} /> : <DateTime value={consultation.deadline} />}</Fact>
        <Fact term={t('consultation.openedAt')}>
          <DateTime value={consultation.openedAt} />
        </Fact>
        {consultation.closedAt && (
          <Fact term={t('consultation.closedAt')}>
            <DateTime value={consultation.closedAt} />
          </Fact>
        )}
        <Fact term={t('consultation.acceptLateLabel')}>{consultation.acceptLate ? t('consultation.acceptLateYes') : t('consultation.acceptLateNo')}</Fact>
        {consultation.snapshot && (
          <Fact term={t('report.title')}>
            <Link to={`/documents/${encodeURIComponent(slug)}/report?snapshot=${encodeURIComponent(consultation.snapshot.id)}&consultation=${encodeURIComponent(consultation.id)}`}>{t('consultation.toReport')}</Link>
          </Fact>
        )}
      </dl>

      <section aria-labelledby="letter-title" className="consultation-letter">
        <h2 id="letter-title">{t('consultation.letterTitle')}</h2>
        <div className="prose" dangerouslySetInnerHTML={{ __html: consultation.letterHtml }} />
      </section>

      {own?.organization && (
        <Panel id="own-party-title" title={t('consultation.ownTitle', { organization: own.organization.shortName })} className="panel panel--decision">
          <p>
            {t('consultation.statusColumn')}: <PartyStatusTag party={own} />
          </p>
          {open && partyStatusKey(own) !== 'RESPONDED' && partyStatusKey(own) !== 'NO_REMARKS' && partyStatusKey(own) !== 'DECLINED' && (
            <p>
              {t('consultation.toComments')} <Link to={`/documents/${encodeURIComponent(slug)}/comments`}>{t('documentNav.comments')}</Link>
            </p>
          )}
          {answered && <StatusMessage focus>{answered}</StatusMessage>}
          {consultation.viewerCan.respondFor
            .filter((org) => org.id === own.organization?.id)
            .map((org) => (
              <div key={org.id} className="answer-forms">
                <ResponseDraftForm consultationId={consultation.id} organization={org.name} />
                <AnswerForm kind="noRemarks" consultationId={consultation.id} organization={org} snapshot={name} onDone={onAnswered} />
                <AnswerForm kind="decline" consultationId={consultation.id} organization={org} snapshot={name} onDone={onAnswered} />
              </div>
            ))}
        </Panel>
      )}

      <ConsultationParties consultation={consultation} />

      {open && consultation.viewerCan.manage && (
        <ReminderForm
          target={{ consultationId: consultation.id }}
          parties={consultation.parties.flatMap((party) =>
            party.organization && (party.status === 'INVITED' || party.status === 'DRAFTING')
              ? [{ id: party.organization.id, name: party.organization.name }]
              : [],
          )}
        />
      )}
      {consultation.viewerCan.manage && (
        <ManageConsultation
          consultationId={consultation.id}
          open={open}
          parties={consultation.parties}
          onDone={refresh}
        />
      )}
    </>
  );
}

/**
 * A party's answer without comments — "ingen bemærkninger", or declining to respond. Either is
 * recorded as the party's response and cannot be changed, so it asks for an explicit confirmation.
 */
function AnswerForm(props: {
  kind: 'noRemarks' | 'decline';
  consultationId: string;
  organization: { id: string; name: string; shortName: string };
  snapshot: string;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [confirmed, setConfirmed] = useState(false);
  const options = { fieldIds: { confirmed: `${id}-confirm` } };
  const noRemarks = useFormMutation(RespondNoRemarksMutation, 'respondNoRemarks', 'ConsultationAnswered', options);
  const decline = useFormMutation(DeclineConsultationMutation, 'declineConsultation', 'ConsultationAnswered', options);
  const answer = props.kind === 'noRemarks' ? noRemarks : decline;
  const names = { organization: props.organization.name, snapshot: props.snapshot };

  async function handleSubmit() {
    if (!confirmed) return answer.refuse({ confirmed: t(`consultation.${props.kind}ConfirmRequired`) });
    if (!(await answer.run({ input: { consultationId: props.consultationId, organizationId: props.organization.id } }))) return;
    props.onDone(t(`consultation.${props.kind}Done`));
  }

  return (
    <form className="board-form" onSubmit={answer.onSubmit(handleSubmit)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t(`consultation.${props.kind}Title`)}</h3>
      <ErrorSummary errors={answer.problems.summary} />
      <p className="field__hint">{t(`consultation.${props.kind}Hint`, names)}</p>
      <ConfirmCheckbox
        id={`${id}-confirm`}
        label={t(`consultation.${props.kind}ConfirmLabel`, names)}
        checked={confirmed}
        onChange={setConfirmed}
        error={answer.problems.fields.confirmed}
      />
      <SubmitButton busy={answer.fetching} className="button button--secondary">
        {t(`consultation.${props.kind}`)}
      </SubmitButton>
    </form>
  );
}

function ManageConsultation(props: {
  consultationId: string;
  open: boolean;
  parties: readonly { status: string; answersPublished: boolean; organization?: { id: string; name: string; shortName: string } | null }[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const deadline = useDeadlineInput('');
  const [reason, setReason] = useState('');
  // One error summary for the section's forms.
  const [problems, setProblems] = useState<Problems>(noProblems);
  const [done, setDone] = useState('');
  const shared = { problems: [problems, setProblems] as const };
  const extend = useFormMutation(ExtendConsultationMutation, 'extendConsultation', 'ConsultationExtended', {
    fieldIds: { ...deadlineFieldIds('extend'), reason: 'extend-reason' },
    ...shared,
  });
  const close = useFormMutation(CloseConsultationMutation, 'closeConsultation', 'ConsultationClosed', shared);
  const publish = useFormMutation(PublishAnswersMutation, 'publishAnswers', 'AnswersPublished', shared);
  const { wallClock } = deadline;
  const consultationId = props.consultationId;
  const unpublished = props.parties.filter((party) => !party.answersPublished);
  // Per party only where there is something to publish: the answers to a response's comments.
  const responded = unpublished.flatMap((party) => (party.organization && party.status === 'RESPONDED' ? [party.organization] : []));

  async function handleExtend() {
    setDone('');
    const missing = deadline.problems(t);
    if (!reason.trim()) missing.reason = t('consultation.extendReasonRequired');
    if (Object.keys(missing).length > 0 || !wallClock) return extend.refuse(missing);
    if (!(await extend.run({ input: { consultationId, deadline: toApiValue(wallClock), reason } }))) return;
    setDone(t('consultation.extended'));
    setReason('');
    props.onDone();
  }

  async function handleClose() {
    setDone('');
    if (!window.confirm(t('consultation.closeConfirm'))) return;
    if (!(await close.run({ input: { consultationId } }))) return;
    setDone(t('consultation.closed'));
    props.onDone();
  }

  async function handlePublish(organization: { id: string; name: string } | null) {
    setDone('');
    const question = organization ? t('consultation.publishOneConfirm', { organization: organization.name }) : t('consultation.publishAllConfirm');
    if (!window.confirm(question)) return;
    const input = organization ? { consultationId, organizationIds: [organization.id] } : { consultationId };
    if (!(await publish.run({ input }))) return;
    setDone(t('consultation.publishedDone'));
    props.onDone();
  }

  return (
    <Panel id="manage-consultation-title" title={t('consultation.manage')}>
      {done && <StatusMessage focus>{done}</StatusMessage>}
      <ErrorSummary errors={problems.summary} />
      {props.open && (
        <>
          <form onSubmit={extend.onSubmit(handleExtend)} noValidate aria-labelledby="extend-consultation-title">
            <h3 id="extend-consultation-title">{t('consultation.extendTitle')}</h3>
            <DeadlineFields legend={t('consultation.newDeadlineLegend')} deadline={deadline} form={extend} />
            <TextField {...extend.field('reason', [reason, setReason])} label={t('consultation.extendReason')} />
            <SubmitButton busy={extend.fetching} className="button button--secondary">
              {t('consultation.extend')}
            </SubmitButton>
          </form>
          <div className="withdraw-form">
            <h3>{t('consultation.closeTitle')}</h3>
            <p className="field__hint">{t('consultation.closeHint')}</p>
            <button type="button" className="button button--danger" onClick={() => void handleClose()} aria-disabled={close.fetching || undefined}>
              {t('consultation.close')}
            </button>
          </div>
        </>
      )}
      <div className="publish-answers">
        <h3>{t('consultation.publishTitle')}</h3>
        <p className="field__hint">{t('consultation.publishHint')}</p>
        {unpublished.length === 0 ? (
          <p>{t('consultation.allPublished')}</p>
        ) : (
          <div className="button-row">
            <button type="button" className="button" onClick={() => void handlePublish(null)} aria-disabled={publish.fetching || undefined}>
              {t('consultation.publishAll')}
            </button>
            {responded.map((organization) => (
              <button key={organization.id} type="button" className="button button--secondary" onClick={() => void handlePublish(organization)} aria-disabled={publish.fetching || undefined}>
                {t('consultation.publishOne', { organization: organization.shortName })}
              </button>
            ))}
          </div>
        )}
      </div>
    </Panel>
  );
}
