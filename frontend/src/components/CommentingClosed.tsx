import { useTranslation } from 'react-i18next';
import type { FragmentType } from '../gql';
import type { Phase } from '../gql/graphql';
import { type Viewer, useViewer } from '../viewer';
import { ConsultationNoticeFields, ConsultationPeriod } from './ConsultationNotice';

/** Roles that comment for their organisation when commenting is open (the server's COMMENTING). */
const commenting = ['COMMENTER', 'EDITOR', 'APPROVER', 'SECRETARIAT'] as const;

/** Whether `viewer` would comment here if commenting were open: the closed notice is for them. */
export function wouldComment(viewer: Viewer | null): boolean {
  return commenting.some((role) => viewer?.roles.includes(role));
}

/**
 * Says that commenting is closed, why, and until when the last consultation was open — instead
 * of comment buttons that silently vanish. Shown to those who could comment were it open; a
 * reader without a commenting role needs no notice.
 */
export function CommentingClosed(props: { phase: Phase; canComment: boolean; consultation?: FragmentType<typeof ConsultationNoticeFields> | null | undefined }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  if (props.canComment || !wouldComment(viewer)) return null;
  const frozen = props.phase === 'APPROVED' || props.phase === 'ARCHIVED';
  return (
    <div className="notice notice--closed" role="note" aria-labelledby="commenting-closed-title">
      <p className="notice__title" id="commenting-closed-title">
        {t('commentingClosed.title')}
      </p>
      {frozen && <p>{t(`commentingClosed.phase.${props.phase as 'APPROVED' | 'ARCHIVED'}`)}</p>}
      {props.consultation ? <ConsultationPeriod consultation={props.consultation} /> : !frozen && <p>{t('commentingClosed.notNow')}</p>}
    </div>
  );
}
