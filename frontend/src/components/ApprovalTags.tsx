import { useTranslation } from 'react-i18next';
import type { ApprovalDecision, ApprovalRoundState } from '../gql/graphql';

export const decisions: readonly ApprovalDecision[] = ['APPROVE', 'APPROVE_WITH_REMARKS', 'OBJECT', 'ABSTAIN'];

export function RoundStateTag({ state }: { state: ApprovalRoundState }) {
  const { t } = useTranslation();
  return <span className={`tag tag--round-${state.toLowerCase().replaceAll('_', '-')}`}>{t(`approval.state.${state}`)}</span>;
}

export function DecisionTag({ decision }: { decision: ApprovalDecision }) {
  const { t } = useTranslation();
  return <span className={`tag tag--decision-${decision.toLowerCase().replaceAll('_', '-')}`}>{t(`approval.decision.${decision}`)}</span>;
}
