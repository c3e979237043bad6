import { useTranslation } from 'react-i18next';
import { DateTime } from '../datetime';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { DecisionTag } from './ApprovalTags';
import { TableHead } from './page';

export const RoundPartiesFields = graphql(`
  fragment RoundParties on ApprovalRound {
    parties {
      decision
      remarks
      internalNote
      decidedAt
      awaitingBoard
      boardNote
      consentedBySilence
      organization {
        id
        name
      }
      decidedBy {
        id
        name
      }
      sections {
        id
        title
      }
    }
  }
`);

/** Each party of a written procedure: its decision, remarks, board mark and who decided when. */
export function RoundParties(props: { round: FragmentType<typeof RoundPartiesFields> }) {
  const { t } = useTranslation();
  const { parties } = getFragmentData(RoundPartiesFields, props.round);
  return (
    <>
      <h2>{t('approval.partiesTitle')}</h2>
      <table className="table">
        <caption className="visually-hidden">{t('approval.partiesTitle')}</caption>
        <TableHead columns={[t('report.organization'), t('approval.decisionColumn'), t('approval.remarksColumn'), t('approval.byColumn')]} />
        <tbody>
          {parties.map((party) => (
            <tr key={party.organization?.id ?? 'none'}>
              <th scope="row">{party.organization?.name ?? '–'}</th>
              <td data-label={t('approval.decisionColumn')}>
                {party.decision ? (
                  <DecisionTag decision={party.decision} />
                ) : party.consentedBySilence ? (
                  <span className="tag tag--decision-approve">{t('approval.silentConsent')}</span>
                ) : (
                  <span className="tag tag--pending">{t('approval.noDecision')}</span>
                )}
                {party.awaitingBoard && (
                  <p className="party__board">
                    {t('approval.awaitingBoard')}
                    {party.boardNote && <>: {party.boardNote}</>}
                  </p>
                )}
              </td>
              <td data-label={t('approval.remarksColumn')}>
                {party.remarks && <p className="party__remarks">{party.remarks}</p>}
                {party.sections.length > 0 && (
                  <p className="muted">{t('approval.concerns', { sections: party.sections.map((s) => s.title).join(', ') })}</p>
                )}
                {party.internalNote && <p className="muted">{t('approval.internalNoteShown', { note: party.internalNote, organization: party.organization?.name ?? '' })}</p>}
              </td>
              <td data-label={t('approval.byColumn')}>
                {party.decidedBy?.name}
                {party.decidedAt && (
                  <>
                    <br />
                    <DateTime value={party.decidedAt} />
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
