import { useTranslation } from 'react-i18next';
import type { Phase } from '../gql/graphql';
import { type Viewer, useViewer } from '../viewer';

/** Roles that comment for their organisation when commenting is open (the server's COMMENTING). */
const commenting = ['COMMENTER', 'EDITOR', 'APPROVER', 'SECRETARIAT'] as const;

/** Whether `viewer` would comment here if commenting were open: the closed notice is for them. */
export function wouldComment(viewer: Viewer | null): boolean {
  return commenting.some((role) => viewer?.roles.includes(role));
}

/**
 * Says that commenting is closed, and why — instead of comment buttons that silently vanish.
 * Shown to those who could comment were it open; a reader without a commenting role needs no notice.
 */
export function CommentingClosed({ phase, canComment }: { phase: Phase; canComment: boolean }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  if (canComment || !wouldComment(viewer)) return null;
  const reason = phase === 'APPROVED' || phase === 'ARCHIVED' ? t(`commentingClosed.phase.${phase}`) : t('commentingClosed.notNow');
  return (
    <div className="notice notice--closed" role="note" aria-labelledby="commenting-closed-title">
      <p className="notice__title" id="commenting-closed-title">
        {t('commentingClosed.title')}
      </p>
      <p>{reason}</p>
    </div>
  );
}
