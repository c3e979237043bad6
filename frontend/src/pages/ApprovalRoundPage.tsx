import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { DecisionTag, RoundStateTag, decisions } from '../components/ApprovalTags';
import { ChangeList } from '../components/ChangeList';
import { Countdown } from '../components/Countdown';
import { DeadlineFields, deadlineFieldIds, useDeadlineInput } from '../components/DeadlineFields';
import { ReminderForm } from '../components/ReminderForm';
import { DocumentHeader } from '../components/DocumentHeader';
import { ExportLinks } from '../components/ExportLinks';
import { RoundHistory } from '../components/RoundHistory';
import { RoundOutcome } from '../components/RoundOutcome';
import { RoundParties } from '../components/RoundParties';
import { ErrorSummary } from '../components/errors';
import { Checkboxes, ChoiceFieldset, RadioButtons } from '../components/choices';
import { type Problems, StatusMessage, SubmitButton, TextAreaField, noProblems, useFormMutation } from '../components/forms';
import { Fact, usePageQuery, Panel, usePageTitle } from '../components/page';
import { TextField } from '../components/TextField';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { toApiValue } from '../lib/danishDeadline';
import { snapshotName } from '../lib/snapshotName';
import { useDocumentEvents } from '../lib/live';
import type { ApprovalDecision } from '../gql/graphql';
import { NotFound } from './NotFoundPage';

const ApprovalRoundQuery = graphql(`
  query ApprovalRound($id: ID!) {
    approvalRound(id: $id) {
      id
      title
      deadline
      silenceIsConsent
      state
      ...RoundOutcome
      snapshot {
        id
        number
        label
        sections {
          id
          number
          title
          section {
            id
          }
        }
      }
      document {
        id
        slug
        ...DocumentHeader
      }
      viewerCan {
        manage
        decideFor {
          id
          name
          shortName
        }
      }
      ...RoundParties
      parties {
        decision
        awaitingBoard
        boardNote
        organization {
          id
          name
          shortName
        }
        lastApprovedSnapshot {
          id
          number
          label
        }
        changesSinceLastApproval {
          ...ChangeList
        }
      }
      ...RoundHistory
    }
  }
`);

export function ApprovalRoundPage() {
  const { t } = useTranslation();
  const { roundId = '' } = useParams();
  const { data, refresh, waiting } = usePageQuery({ query: ApprovalRoundQuery, variables: { id: roundId } });
  const round = data?.approvalRound;
  usePageTitle(round?.title ?? t('approval.notFound'));
  // Other parties' decisions, board marks and the closing appear as they happen.
  useDocumentEvents(round?.document?.id, (event) => {
    if (event.kind.startsWith('approval_round.')) refresh();
  });

  if (waiting) return waiting;
  if (!round || !round.document) {
    return <NotFound title={t('approval.notFound')} home={t('document.allDocuments')} />;
  }

  const open = round.state === 'OPEN';
  const exportBase = `/exports/approval-rounds/${encodeURIComponent(round.id)}`;
  const ownParties = round.parties.filter((party) => round.viewerCan.decideFor.some((org) => org.id === party.organization?.id));
  const snapshotSections = (round.snapshot?.sections ?? []).flatMap((version) =>
    version.section ? [{ id: version.section.id, title: version.title }] : [],
  );

  return (
    <>
      <DocumentHeader document={round.document} heading={round.title} badge={<RoundStateTag state={round.state} />} />
      <p>
        <Link to={`/documents/${encodeURIComponent(round.document.slug)}/approval-rounds`}>{t('approval.allRounds')}</Link>
      </p>
      <dl className="meta-list meta-list--round">
        {round.snapshot && (
          <Fact term={t('approval.snapshot')}>{snapshotName(t, round.snapshot)}</Fact>
        )}
        <Fact term={t('approval.deadline')}>{open ? <Countdown deadline={round.deadline} /> : <DateTime value={round.deadline} />}</Fact>
        <Fact term={t('approval.silenceLabel')}>{round.silenceIsConsent ? t('approval.silenceYes') : t('approval.silenceNo')}</Fact>
      </dl>
      <ExportLinks base={exportBase} label={t('approval.export')} withPdf />
      {round.snapshot && (
        <p>
          <Link to={`/snapshots/${encodeURIComponent(round.snapshot.id)}`}>{t('approval.readSnapshot')}</Link>
          {' · '}
          <a href={`/exports/snapshots/${encodeURIComponent(round.snapshot.id)}.docx`}>{t('approval.snapshotText')}</a>
        </p>
      )}

      <RoundOutcome round={round} />

      {ownParties.map((party) =>
        party.changesSinceLastApproval ? (
          <section key={`changes-${party.organization?.id ?? ''}`} className="panel" aria-labelledby={`changes-${party.organization?.id ?? ''}`}>
            <h2 id={`changes-${party.organization?.id ?? ''}`}>
              {t('approval.changesSince', {
                organization: party.organization?.shortName ?? '',
                snapshot: party.lastApprovedSnapshot ? snapshotName(t, party.lastApprovedSnapshot) : '',
              })}
            </h2>
            <ChangeList changes={party.changesSinceLastApproval} />
          </section>
        ) : null,
      )}

      {open &&
        ownParties.map((party) =>
          party.organization ? (
            <DecisionForm
              key={party.organization.id}
              roundId={round.id}
              organization={party.organization}
              current={party.decision}
              awaitingBoard={party.awaitingBoard}
              boardNote={party.boardNote ?? ''}
              sections={snapshotSections}
              onDone={refresh}
            />
          ) : null,
        )}

      <RoundParties round={round} />

      <RoundHistory round={round} />

      {open && round.viewerCan.manage && (
        <ReminderForm
          target={{ roundId: round.id }}
          parties={round.parties.flatMap((party) => (party.organization && !party.decision ? [{ id: party.organization.id, name: party.organization.name }] : []))}
        />
      )}
      {open && round.viewerCan.manage && <ManageRound roundId={round.id} onDone={refresh} />}
    </>
  );
}

const RecordDecisionMutation = graphql(`
  mutation RecordDecision($input: RecordDecisionInput!) {
    recordDecision(input: $input) {
      __typename
      ... on DecisionRecorded {
        round {
          id
          state
        }
      }
      ...UserError
    }
  }
`);

function DecisionForm(props: {
  roundId: string;
  organization: { id: string; name: string; shortName: string };
  current: ApprovalDecision | null;
  awaitingBoard: boolean;
  boardNote: string;
  sections: readonly { id: string; title: string }[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [decision, setDecision] = useState<ApprovalDecision | ''>('');
  const [remarks, setRemarks] = useState('');
  const [internalNote, setInternalNote] = useState('');
  const [sectionIds, setSectionIds] = useState<string[]>([]);
  const [done, setDone] = useState('');
  const fieldIds = { decision: `${id}-decision-APPROVE`, remarks: `${id}-remarks`, internalNote: `${id}-note`, sectionIds: `${id}-sections` };
  const record = useFormMutation(RecordDecisionMutation, 'recordDecision', 'DecisionRecorded', { fieldIds });
  const { problems } = record;
  const needsRemarks = decision === 'APPROVE_WITH_REMARKS' || decision === 'OBJECT';

  async function handleSubmit() {
    setDone('');
    const missing: Record<string, string> = {};
    if (!decision) missing.decision = t('approval.decisionRequired');
    else if (needsRemarks && !remarks.trim()) missing.remarks = decision === 'OBJECT' ? t('approval.reasonRequired') : t('approval.remarksRequired');
    if (Object.keys(missing).length > 0 || !decision) return record.refuse(missing);
    const recorded = await record.run({
      input: {
        roundId: props.roundId,
        organizationId: props.organization.id,
        decision,
        remarks: needsRemarks ? remarks : '',
        internalNote,
        sectionIds: needsRemarks ? sectionIds : [],
      },
    });
    if (!recorded) return;
    setDone(t('approval.recorded', { decision: t(`approval.decision.${decision}`) }));
    setDecision('');
    setRemarks('');
    setInternalNote('');
    setSectionIds([]);
    props.onDone();
  }

  return (
    <section className="panel panel--decision" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('approval.decisionTitle', { organization: props.organization.shortName })}</h2>
      {props.current && (
        <p>
          {t('approval.currentDecision')} <DecisionTag decision={props.current} /> {t('approval.canChange')}
        </p>
      )}
      {done && <StatusMessage focus>{done}</StatusMessage>}
      <ErrorSummary errors={problems.summary} />
      <form onSubmit={record.onSubmit(handleSubmit)} noValidate>
        <ChoiceFieldset
          legend={t('approval.decisionLegend', { organization: props.organization.name })}
          error={problems.fields.decision}
          errorId={`${id}-decision-error`}
        >
          <RadioButtons
            name={`${id}-decision`}
            options={decisions.map((value) => ({ value, label: t(`approval.decision.${value}`) }))}
            value={decision}
            onChange={setDecision}
            idPrefix={`${id}-decision-`}
          />
        </ChoiceFieldset>
        {needsRemarks && (
          <>
            <TextAreaField
              {...record.field('remarks', [remarks, setRemarks])}
              label={decision === 'OBJECT' ? t('approval.reasonLabel') : t('approval.remarksLabel')}
              rows={4}
            />
            {props.sections.length > 0 && (
              <fieldset className="field fieldset" id={fieldIds.sectionIds}>
                <legend className="field__label">{t('approval.sectionsLegend')}</legend>
                <p className="field__hint">{t('approval.sectionsHint')}</p>
                <Checkboxes options={props.sections.map((section) => ({ value: section.id, label: section.title }))} chosen={sectionIds} onChange={setSectionIds} />
              </fieldset>
            )}
          </>
        )}
        <TextField {...record.field('internalNote', [internalNote, setInternalNote])} label={t('approval.internalNote')} hint={t('approval.internalNoteHint')} />
        <SubmitButton busy={record.fetching}>{t('approval.record')}</SubmitButton>
      </form>
      {/* Remounted when the mark changes: a decision ends the wait, and the old note must not linger. */}
      <BoardForm key={String(props.awaitingBoard)} roundId={props.roundId} organizationId={props.organization.id} awaiting={props.awaitingBoard} note={props.boardNote} onDone={props.onDone} />
    </section>
  );
}

const MarkAwaitingBoardMutation = graphql(`
  mutation MarkAwaitingBoard($input: MarkAwaitingBoardInput!) {
    markAwaitingBoard(input: $input) {
      __typename
      ... on AwaitingBoardMarked {
        round {
          id
        }
      }
      ...UserError
    }
  }
`);

function BoardForm(props: { roundId: string; organizationId: string; awaiting: boolean; note: string; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [note, setNote] = useState(props.note);
  const [done, setDone] = useState('');
  const mark = useFormMutation(MarkAwaitingBoardMutation, 'markAwaitingBoard', 'AwaitingBoardMarked', { fieldIds: { note: `${id}-note` } });
  const { problems } = mark;

  async function handleSubmit() {
    const awaiting = !props.awaiting;
    if (!(await mark.run({ input: { roundId: props.roundId, organizationId: props.organizationId, awaiting, note: awaiting ? note : '' } }))) return;
    setDone(awaiting ? t('approval.boardMarked') : t('approval.boardUnmarked'));
    props.onDone();
  }

  return (
    <form className="board-form" onSubmit={mark.onSubmit(handleSubmit)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('approval.boardTitle')}</h3>
      {done && <StatusMessage>{done}</StatusMessage>}
      <ErrorSummary errors={problems.summary} />
      {!props.awaiting && (
        <TextField {...mark.field('note', [note, setNote])} label={t('approval.boardNote')} hint={t('approval.boardNoteHint')} />
      )}
      <SubmitButton busy={mark.fetching} className="button button--secondary">
        {props.awaiting ? t('approval.boardDone') : t('approval.boardMark')}
      </SubmitButton>
    </form>
  );
}

const ExtendDeadlineMutation = graphql(`
  mutation ExtendDeadline($input: ExtendDeadlineInput!) {
    extendDeadline(input: $input) {
      __typename
      ... on DeadlineExtended {
        round {
          id
          deadline
        }
      }
      ...UserError
    }
  }
`);

const WithdrawRoundMutation = graphql(`
  mutation WithdrawApprovalRound($input: WithdrawApprovalRoundInput!) {
    withdrawApprovalRound(input: $input) {
      __typename
      ... on ApprovalRoundWithdrawn {
        round {
          id
          state
        }
      }
      ...UserError
    }
  }
`);

function ManageRound({ roundId, onDone }: { roundId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const deadline = useDeadlineInput('');
  const [reason, setReason] = useState('');
  const [withdrawReason, setWithdrawReason] = useState('');
  // One error summary for both forms.
  const [problems, setProblems] = useState<Problems>(noProblems);
  const [done, setDone] = useState('');
  const extend = useFormMutation(ExtendDeadlineMutation, 'extendDeadline', 'DeadlineExtended', {
    fieldIds: { ...deadlineFieldIds('extend'), reason: 'extend-reason' },
    problems: [problems, setProblems],
  });
  const withdraw = useFormMutation(WithdrawRoundMutation, 'withdrawApprovalRound', 'ApprovalRoundWithdrawn', {
    fieldIds: { reason: 'withdraw-reason' },
    problems: [problems, setProblems],
  });

  async function handleExtend() {
    setDone('');
    const missing = deadline.problems(t);
    if (!reason.trim()) missing.reason = t('approval.extendReasonRequired');
    if (Object.keys(missing).length > 0 || !deadline.wallClock) return extend.refuse(missing);
    if (!(await extend.run({ input: { roundId, deadline: toApiValue(deadline.wallClock), reason } }))) return;
    setDone(t('approval.extended'));
    setReason('');
    onDone();
  }

  async function handleWithdraw() {
    setDone('');
    if (!withdrawReason.trim()) return withdraw.refuse({ reason: t('approval.withdrawReasonRequired') });
    if (!window.confirm(t('approval.withdrawConfirm'))) return;
    if (await withdraw.run({ input: { roundId, reason: withdrawReason } })) onDone();
  }

  return (
    <Panel id="manage-title" title={t('approval.manage')}>
      {done && <StatusMessage focus>{done}</StatusMessage>}
      <ErrorSummary errors={problems.summary} />
      <form onSubmit={extend.onSubmit(handleExtend)} noValidate aria-labelledby="extend-title">
        <h3 id="extend-title">{t('approval.extendTitle')}</h3>
        <DeadlineFields legend={t('approval.newDeadlineLegend')} deadline={deadline} form={extend} />
        <TextField {...extend.field('reason', [reason, setReason])} label={t('approval.extendReason')} />
        <button type="submit" className="button button--secondary">
          {t('approval.extend')}
        </button>
      </form>
      <form onSubmit={withdraw.onSubmit(handleWithdraw)} noValidate aria-labelledby="withdraw-title" className="withdraw-form">
        <h3 id="withdraw-title">{t('approval.withdrawTitle')}</h3>
        <TextField {...withdraw.field('reason', [withdrawReason, setWithdrawReason])} label={t('approval.withdrawReasonLabel')} />
        <button type="submit" className="button button--danger">
          {t('approval.withdraw')}
        </button>
      </form>
    </Panel>
  );
}
