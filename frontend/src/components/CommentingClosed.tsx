import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { type Viewer, useViewer } from '../viewer';

export const CommentingFields = graphql(`
  fragment Commenting on Document {
    commenting {
      open
      message
      consultation {
        id
      }
    }
  }
`);

/** Roles that comment for their organisation when commenting is open (the server's COMMENTING). */
const commenting = ['COMMENTER', 'EDITOR', 'APPROVER', 'SECRETARIAT'] as const;

/** Whether `viewer` would comment here if commenting were open: the closed notice is for them. */
export function wouldComment(viewer: Viewer | null): boolean {
  return commenting.some((role) => viewer?.roles.includes(role));
}

/**
 * Says that commenting is closed and why, in the server's words ("høringen sluttede 4. december
 * 2026 kl. 12.00", the document's phase, not on the høringsliste) — instead of comment buttons
 * that silently vanish. Shown to those who could comment were it open.
 */
export function CommentingClosed(props: { document: FragmentType<typeof CommentingFields> }) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const { commenting: window } = getFragmentData(CommentingFields, props.document);
  if (window.open || !wouldComment(viewer)) return null;
  return (
    <div className="notice notice--closed" role="note" aria-labelledby="commenting-closed-title">
      <p className="notice__title" id="commenting-closed-title">
        {t('commentingClosed.title')}
      </p>
      <p>
        {window.message ?? t('commentingClosed.notNow')}
        {window.consultation && (
          <>
            {' '}
            <Link to={`/consultations/${encodeURIComponent(window.consultation.id)}`}>{t('consultation.readerSee')}</Link>
          </>
        )}
      </p>
    </div>
  );
}

/** While the viewer may comment: what the server says about it (until the deadline; the steering group's comments). */
export function CommentingOpen(props: { document: FragmentType<typeof CommentingFields> }) {
  const { commenting: window } = getFragmentData(CommentingFields, props.document);
  if (!window.open || !window.message) return null;
  return <p className="hint-box">{window.message}</p>;
}
