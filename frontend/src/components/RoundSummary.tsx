import { useTranslation } from 'react-i18next';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { snapshotName } from '../lib/snapshotName';
import { RoundStateTag } from './ApprovalTags';
import { Fact } from './page';
import { WorkflowSummary } from './WorkflowSummary';

export const RoundSummaryFields = graphql(`
  fragment RoundSummary on ApprovalRound {
    id
    title
    state
    deadline
    closedAt
    outcomeNote
    snapshot {
      id
      number
      label
    }
    parties {
      decision
      organization {
        id
      }
    }
  }
`);

/** A written procedure in a document's list: state, snapshot, deadline or closing, decisions so far. */
export function RoundSummary(props: { round: FragmentType<typeof RoundSummaryFields> }) {
  const { t } = useTranslation();
  const round = getFragmentData(RoundSummaryFields, props.round);
  const decided = round.parties.filter((party) => party.decision !== null).length;
  return (
    <WorkflowSummary
      to={`/approval-rounds/${encodeURIComponent(round.id)}`}
      title={round.title}
      workflow={round}
      labels={{ state: t('approval.stateLabel'), deadline: t('approval.deadline'), closedAt: t('approval.closedAt') }}
      stateTag={<RoundStateTag state={round.state} />}
      snapshot={round.snapshot && <Fact term={t('approval.snapshot')}>{snapshotName(t, round.snapshot)}</Fact>}
      answered={<Fact term={t('approval.decided')}>{t('approval.decidedCount', { decided, total: round.parties.length })}</Fact>}
    >
      {round.state !== 'OPEN' && round.outcomeNote && <p className="round-summary__outcome">{round.outcomeNote}</p>}
    </WorkflowSummary>
  );
}
