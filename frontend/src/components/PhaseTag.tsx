import { useTranslation } from 'react-i18next';
import type { Phase } from '../gql/graphql';

export function PhaseTag({ phase }: { phase: Phase }) {
  const { t } = useTranslation();
  return <span className={`tag tag--${phase.toLowerCase().replaceAll('_', '-')}`}>{t(`documents.phase.${phase}`)}</span>;
}
