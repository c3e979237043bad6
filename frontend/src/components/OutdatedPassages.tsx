import { useTranslation } from 'react-i18next';

export interface OutdatedComment {
  id: string;
  /** The passage as it was when the comment was made. */
  exact: string;
}

/** Comments whose passage is no longer in the section, shown beside it with the passage they were made on. */
export function OutdatedPassages({ comments, onShow }: { comments: readonly OutdatedComment[]; onShow: (commentId: string) => void }) {
  const { t } = useTranslation();
  if (comments.length === 0) return null;
  return (
    <aside className="outdated-passages" aria-label={t('document.outdatedPassages')}>
      <p className="outdated-passages__title">{t('document.outdatedPassages')}</p>
      <ul>
        {comments.map((comment) => (
          <li key={comment.id}>
            <blockquote className="comment__quote">{comment.exact}</blockquote>
            <button type="button" className="link-button" onClick={() => onShow(comment.id)}>
              {t('document.showOutdatedComment')}
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
