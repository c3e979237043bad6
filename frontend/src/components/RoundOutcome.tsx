import { useTranslation } from 'react-i18next';
import { DateTime } from '../datetime';
import { type FragmentType, getFragmentData, graphql } from '../gql';

export const RoundOutcomeFields = graphql(`
  fragment RoundOutcome on ApprovalRound {
    state
    closedAt
    closeCause
    outcomeNote
    outcomeReasons {
      kind
      remarks
      organization {
        id
        shortName
      }
    }
  }
`);

/** How a closed written procedure ended, and why; nothing while it is open. */
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
      {round.outcomeReasons.length > 0 && (
        <ul>
          {round.outcomeReasons.map((reason) => (
            <li key={`${reason.organization?.id ?? ''}:${reason.kind}`}>
              <strong>{reason.organization?.shortName ?? '–'}</strong>: {t(`approval.reason.${reason.kind}`)}
              {reason.remarks && <> – {reason.remarks}</>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
