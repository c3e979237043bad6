import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { ConfirmCheckbox } from './choices';
import { ErrorSummary } from './errors';
import { SubmitButton, useFormMutation } from './forms';

export const SubmitPreviewFields = graphql(`
  fragment SubmitPreview on SubmissionPreview {
    count
    generalRemarks
    generalRemarksHtml
    letter {
      id
      filename
      url
    }
    sections {
      title
      count
      comments {
        id
        kind
        html
        passage
        proposedText
        parent {
          id
          plainText
          organization {
            id
            shortName
          }
        }
        author {
          id
          name
        }
      }
    }
  }
`);

const SubmitCommentsMutation = graphql(`
  mutation SubmitOrganisationComments($documentId: ID!, $expectedCount: Int!) {
    submitOrganisationComments(documentId: $documentId, expectedCount: $expectedCount) {
      __typename
      ... on CommentsSubmitted {
        comments {
          id
          submitted
        }
      }
      ...UserError
    }
  }
`);

/**
 * Submitting an organisation's response: a button with the number that will be sent, which opens
 * a preview of exactly that — every colleague's draft and reply, by section title — and sends only
 * after an explicit confirmation, naming the count it confirmed (the server refuses if it changed).
 */
export function SubmitPreview(props: {
  documentId: string;
  organization: string;
  preview: FragmentType<typeof SubmitPreviewFields>;
  onSubmitted: (count: number) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const preview = getFragmentData(SubmitPreviewFields, props.preview);
  const dialog = useRef<HTMLDialogElement>(null);
  const [showing, setShowing] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const submit = useFormMutation(SubmitCommentsMutation, 'submitOrganisationComments', 'CommentsSubmitted', { fieldIds: { confirmed: `${id}-confirm` } });

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (showing && !element.open) element.showModal();
    if (!showing && element.open) element.close();
  }, [showing]);

  function close() {
    setShowing(false);
    setConfirmed(false);
    submit.setProblems({ fields: {}, summary: [] });
  }

  async function handleSubmit() {
    if (!confirmed) return submit.refuse({ confirmed: t('submitPreview.confirmRequired') });
    const submitted = await submit.run({ documentId: props.documentId, expectedCount: preview.count });
    if (!submitted) return;
    close();
    props.onSubmitted(submitted.comments.length);
  }

  if (!hasSomethingToSend(preview)) return null;
  return (
    <>
      <button type="button" className="button" onClick={() => setShowing(true)}>
        {t('submitPreview.open', { count: preview.count })}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={`${id}-title`} onClose={close}>
        <form onSubmit={submit.onSubmit(handleSubmit)} noValidate>
          <h2 id={`${id}-title`}>{t('submitPreview.title')}</h2>
          <ErrorSummary errors={submit.problems.summary} />
          <p>{preview.count > 0 ? t('submitPreview.intro', { count: preview.count, organization: props.organization }) : t('submitPreview.onlyRemarks')}</p>
          {preview.generalRemarks && (
            <section aria-labelledby={`${id}-remarks`} className="preview-section">
              <h3 id={`${id}-remarks`}>{t('submitPreview.generalRemarks')}</h3>
              <div className="prose prose--small" dangerouslySetInnerHTML={{ __html: preview.generalRemarksHtml ?? '' }} />
            </section>
          )}
          {preview.letter && (
            <p>
              <a href={preview.letter.url}>{t('submitPreview.letter', { filename: preview.letter.filename })}</a>
            </p>
          )}
          {preview.sections.map((section, index) => (
            <section key={`${index}-${section.title}`} aria-labelledby={`${id}-section-${index}`} className="preview-section">
              <h3 id={`${id}-section-${index}`}>{t('submitPreview.sectionCount', { title: section.title, count: section.count })}</h3>
              <ol className="preview-list">
                {section.comments.map((comment) => (
                  <li key={comment.id} className="preview-item">
                    <p className="preview-item__meta">
                      <span className="tag tag--kind">{comment.parent ? t('submitPreview.reply') : t(`comments.kind.${comment.kind}`)}</span> {comment.author?.name ?? t('comments.unknownAuthor')}
                    </p>
                    {comment.parent && (
                      <p className="muted">
                        {t('submitPreview.replyTo', { organization: comment.parent.organization?.shortName ?? '', text: truncate(comment.parent.plainText, 140) })}
                      </p>
                    )}
                    {comment.passage && <blockquote className="comment__quote">{comment.passage}</blockquote>}
                    <div className="prose prose--small" dangerouslySetInnerHTML={{ __html: comment.html }} />
                    {comment.kind === 'PROPOSAL' && comment.proposedText !== null && (
                      <p>
                        <strong>{t('comments.proposedText')}:</strong> {comment.proposedText}
                      </p>
                    )}
                  </li>
                ))}
              </ol>
            </section>
          ))}
          <ConfirmCheckbox
            id={`${id}-confirm`}
            label={t('submitPreview.confirm', { organization: props.organization })}
            checked={confirmed}
            onChange={setConfirmed}
            error={submit.problems.fields.confirmed}
          />
          <div className="button-row">
            <SubmitButton busy={submit.fetching}>{t('submitPreview.send', { count: preview.count })}</SubmitButton>
            <button type="button" className="button button--secondary" onClick={close}>
              {t('submitPreview.cancel')}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** Whether submitting would send anything: comments, general remarks or a letter. */
export function hasSomethingToSend(preview: { count: number; generalRemarks?: string | null; letter?: unknown }): boolean {
  return preview.count > 0 || Boolean(preview.generalRemarks) || Boolean(preview.letter);
}
