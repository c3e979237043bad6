import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DateTime } from '../datetime';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { snapshotName } from '../lib/snapshotName';
import { RoundStateTag } from './ApprovalTags';
import { Countdown } from './Countdown';
import { Fact } from './page';

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
    <li className="round-summary">
      <h2 className="round-summary__title">
        <Link to={`/approval-rounds/${encodeURIComponent(round.id)}`}>{round.title}</Link>
      </h2>
      <dl className="meta-list">
        <Fact term={t('approval.stateLabel')}>
          <RoundStateTag state={round.state} />
        </Fact>
        {round.snapshot && (
          <Fact term={t('approval.snapshot')}>{snapshotName(t, round.snapshot)}</Fact>
        )}
        <Fact term={round.state === 'OPEN' ? t('approval.deadline') : t('approval.closedAt')}>
          {round.state === 'OPEN' ? <Countdown deadline={round.deadline} /> : round.closedAt && <DateTime value={round.closedAt} />}
        </Fact>
        <Fact term={t('approval.decided')}>{t('approval.decidedCount', { decided, total: round.parties.length })}</Fact>
      </dl>
      {round.state !== 'OPEN' && round.outcomeNote && <p className="round-summary__outcome">{round.outcomeNote}</p>}
    </li>
  );
}
