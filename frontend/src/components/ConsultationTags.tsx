import { useTranslation } from 'react-i18next';
import type { ConsultationPartyStatus, ConsultationState } from '../gql/graphql';

/** A party's status as the høringsliste says it; after the close, no answer is "intet svar". */
export function partyStatusKey(party: { status: ConsultationPartyStatus; noResponse: boolean }): ConsultationPartyStatus | 'NO_RESPONSE' {
  return party.noResponse ? 'NO_RESPONSE' : party.status;
}

export function PartyStatusTag({ party }: { party: { status: ConsultationPartyStatus; noResponse: boolean; late: boolean } }) {
  const { t } = useTranslation();
  const key = partyStatusKey(party);
  return (
    <>
      <span className={`tag tag--party-${key.toLowerCase().replaceAll('_', '-')}`}>{t(`consultation.status.${key}`)}</span>
      {party.late && <span className="tag tag--late">{t('consultation.late')}</span>}
    </>
  );
}

export function ConsultationStateTag({ state }: { state: ConsultationState }) {
  const { t } = useTranslation();
  return <span className={`tag tag--consultation-${state.toLowerCase()}`}>{t(`consultation.state.${state}`)}</span>;
}
