import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { snapshotName } from '../lib/snapshotName';
import { useViewer } from '../viewer';
import { PartyStatusTag } from './ConsultationTags';
import { Countdown } from './Countdown';
import { Fact } from './page';

export const ConsultationNoticeFields = graphql(`
  fragment ConsultationNotice on Consultation {
    id
    state
    deadline
    openedAt
    closedAt
    snapshot {
      id
      number
      label
    }
    parties {
      status
      late
      noResponse
      organization {
        id
        shortName
      }
    }
  }
`);

/** The viewer's own organisation on the høringsliste, if it is consulted. */
function useOwnParty<Party extends { organization?: { id: string } | null }>(consultation: { parties: readonly Party[] }): Party | undefined {
  const viewer = useViewer();
  return consultation.parties.find((party) => party.organization && party.organization.id === viewer?.organization?.id);
}

/**
 * The reader's line about the document's consultation while it is open: which snapshot is
 * consulted on, the deadline with the time left, and the viewer's own party's status.
 */
export function ConsultationNotice(props: { consultation: FragmentType<typeof ConsultationNoticeFields> }) {
  const { t } = useTranslation();
  const consultation = getFragmentData(ConsultationNoticeFields, props.consultation);
  const own = useOwnParty(consultation);
  if (consultation.state !== 'OPEN') return null;
  const name = consultation.snapshot ? snapshotName(t, consultation.snapshot) : '';
  return (
    <section className="notice notice--consultation" aria-labelledby="consultation-notice-title">
      <h2 className="notice__title" id="consultation-notice-title">
        {t('consultation.readerOpen', { snapshot: name })}
      </h2>
      <dl className="meta-list">
        <Fact term={t('consultation.deadline')}>
          <Countdown deadline={consultation.deadline} />
        </Fact>
        {own && (
          <Fact term={t('consultation.ownStatusLabel', { organization: own.organization?.shortName ?? '' })}>
            <PartyStatusTag party={own} />
          </Fact>
        )}
      </dl>
      <p>
        <Link to={`/consultations/${encodeURIComponent(consultation.id)}`}>{t('consultation.readerSee')}</Link>
      </p>
    </section>
  );
}

/** On the documents overview: the open consultation's deadline and the viewer's own party's status. */
export function ConsultationFacts(props: { consultation: FragmentType<typeof ConsultationNoticeFields> }) {
  const { t } = useTranslation();
  const consultation = getFragmentData(ConsultationNoticeFields, props.consultation);
  const own = useOwnParty(consultation);
  if (consultation.state !== 'OPEN' && !own) return null;
  return (
    <>
      {consultation.state === 'OPEN' && (
        <Fact term={t('consultation.overviewDeadline')}>
          <Link to={`/consultations/${encodeURIComponent(consultation.id)}`}>
            <Countdown deadline={consultation.deadline} />
          </Link>
        </Fact>
      )}
      {own && (
        <Fact term={t('consultation.ownStatusLabel', { organization: own.organization?.shortName ?? '' })}>
          <PartyStatusTag party={own} />
        </Fact>
      )}
    </>
  );
}
