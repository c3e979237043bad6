import { useTranslation } from 'react-i18next';
import { DateTime } from '../datetime';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { PartyStatusTag, partyStatusKey } from './ConsultationTags';
import { TableHead } from './page';

export const ConsultationPartiesFields = graphql(`
  fragment ConsultationParties on Consultation {
    state
    parties {
      status
      respondedAt
      late
      noResponse
      answersPublished
      organization {
        id
        name
      }
    }
  }
`);

/** How many parties stand where: responded, no remarks, declined, not (yet) answered. */
export function partyCounts(parties: readonly { status: string }[]) {
  const count = (status: string) => parties.filter((party) => party.status === status).length;
  const responded = count('RESPONDED');
  const noRemarks = count('NO_REMARKS');
  const declined = count('DECLINED');
  return { responded, noRemarks, declined, answered: responded + noRemarks + declined, pending: parties.length - responded - noRemarks - declined };
}

/** The høringsliste: every consulted party with its status, when it answered, and whether its answers are published. */
export function ConsultationParties(props: { consultation: FragmentType<typeof ConsultationPartiesFields> }) {
  const { t } = useTranslation();
  const { parties } = getFragmentData(ConsultationPartiesFields, props.consultation);
  const counts = partyCounts(parties);
  return (
    <section aria-labelledby="consultation-parties-title">
      <h2 id="consultation-parties-title">{t('consultation.partiesTitle')}</h2>
      <p className="consultation-counts">{t('consultation.counts', counts)}</p>
      <table className="table">
        <caption className="visually-hidden">{t('consultation.partiesTitle')}</caption>
        <TableHead columns={[t('consultation.partyColumn'), t('consultation.statusColumn'), t('consultation.respondedColumn'), t('consultation.answersColumn')]} />
        <tbody>
          {parties.map((party) => (
            <tr key={party.organization?.id ?? partyStatusKey(party)} data-status={partyStatusKey(party)}>
              <th scope="row">{party.organization?.name ?? '–'}</th>
              <td data-label={t('consultation.statusColumn')}>
                <PartyStatusTag party={party} />
              </td>
              <td data-label={t('consultation.respondedColumn')}>{party.respondedAt ? <DateTime value={party.respondedAt} /> : '–'}</td>
              <td data-label={t('consultation.answersColumn')}>{party.answersPublished ? t('consultation.published') : t('consultation.notPublished')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
