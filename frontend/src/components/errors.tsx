import type { TFunction } from 'i18next';
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CombinedError } from 'urql';

export interface ErrorItem {
  message: string;
  /** The id of the form control the error concerns; the summary links to it. */
  fieldId?: string;
}

/**
 * The list of problems at the top of a form. It is announced (role="alert") and takes
 * focus when it appears, so keyboard and screen-reader users land on it after submitting.
 */
export function ErrorSummary({ errors }: { errors: readonly ErrorItem[] }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();

  // Focus follows the array's identity: pass a new array per submit (kept in state), not
  // one rebuilt on every render, or typing in a field would pull focus back here.
  useEffect(() => {
    if (errors.length > 0) ref.current?.focus();
  }, [errors]);

  if (errors.length === 0) return null;
  return (
    <div className="error-summary" role="alert" aria-labelledby={titleId} tabIndex={-1} ref={ref}>
      <h2 id={titleId} className="error-summary__title">
        {t('errors.summaryTitle')}
      </h2>
      <ul className="error-summary__list">
        {errors.map((error) => (
          <li key={`${error.fieldId ?? ''}:${error.message}`}>
            {error.fieldId ? (
              <a
                href={`#${error.fieldId}`}
                onClick={(event) => {
                  event.preventDefault();
                  document.getElementById(error.fieldId ?? '')?.focus();
                }}
              >
                {error.message}
              </a>
            ) : (
              error.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Inline message for a failed query, with a way to try again. */
export function QueryError({ error, retry }: { error: CombinedError; retry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="notice notice--error" role="alert">
      <p>{requestErrorMessage(error, t)}</p>
      {retry && (
        <button type="button" className="button button--secondary" onClick={retry}>
          {t('errors.retry')}
        </button>
      )}
    </div>
  );
}

/** The message to show for a failed request, in the user's language. */
export function requestErrorMessage(error: CombinedError, t: TFunction): string {
  return error.networkError ? t('errors.network') : t('errors.unexpected');
}
