import { useTranslation } from 'react-i18next';
import { DateTime } from '../datetime';
import { type FragmentType, getFragmentData, graphql } from '../gql';

export const RoundOutcomeFields = graphql(`
  fragment RoundOutcome on ApprovalRound {
    state
    closedAt
    closeCause
    outcomeNote
  }
`);

/**
 * How a closed written procedure ended, and why, in the server's one wording ("Ikke godkendt. KL
 * gjorde indsigelse."); each party's remarks stand once, in the parties table. Nothing while open.
 */
export function RoundOutcome(props: { round: FragmentType<typeof RoundOutcomeFields> }) {
  const { t } = useTranslation();
  const round = getFragmentData(RoundOutcomeFields, props.round);
  if (round.state === 'OPEN') return null;
  return (
    <section className={`outcome outcome--${round.state.toLowerCase().replaceAll('_', '-')}`} aria-labelledby="outcome-title">
      <h2 id="outcome-title">{t('approval.outcome')}</h2>
      <p className="outcome__note">{round.outcomeNote}</p>
      {round.closedAt && (
        <p>
          {t(`approval.closeCause.${round.closeCause ?? 'ALL_DECIDED'}`)} <DateTime value={round.closedAt} />
        </p>
      )}
    </section>
  );
}
