import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../gql';
import type { TextQuote } from '../lib/textquote';
import { ErrorSummary } from './errors';
import { RadioButtons } from './choices';
import { FormButtons, TextAreaField, useFormMutation } from './forms';

const AddCommentMutation = graphql(`
  mutation AddComment($input: AddCommentInput!) {
    addComment(input: $input) {
      __typename
      ... on CommentAdded {
        comment {
          id
          submitted
          section {
            id
            openCommentCount
          }
        }
      }
      ...UserError
    }
  }
`);

export type CommentKindChoice = 'REMARK' | 'PROPOSAL';

interface ComposerProps {
  sectionId: string;
  sectionTitle: string;
  version: number;
  quote: TextQuote | null;
  /** The quote as it reads, shown in place of its plain text. */
  passage?: string | undefined;
  kind: CommentKindChoice;
  onDone: (submitted: boolean) => void;
  onCancel: () => void;
}

/** Writing a new comment or change proposal on a section, or on a passage of it. */
export function CommentComposer(props: ComposerProps) {
  const { t } = useTranslation();
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [kind, setKind] = useState<CommentKindChoice>(props.kind);
  const [body, setBody] = useState('');
  const [proposed, setProposed] = useState(props.quote?.exact ?? '');
  const fieldIds = { body: `${id}-body`, proposedText: `${id}-proposed`, anchor: `${id}-quote` };
  const addComment = useFormMutation(AddCommentMutation, 'addComment', 'CommentAdded', { fieldIds });
  const { problems } = addComment;

  useEffect(() => {
    headingRef.current?.focus();
  }, [props.quote, props.sectionId]);

  async function handleSubmit() {
    const missing: Record<string, string> = {};
    if (!body.trim()) missing.body = t('comments.bodyRequired');
    if (kind === 'PROPOSAL' && !props.quote && !proposed.trim()) missing.proposedText = t('comments.proposedRequired');
    if (Object.keys(missing).length > 0) return addComment.refuse(missing);
    const added = await addComment.run({
      input: {
        sectionId: props.sectionId,
        version: props.version,
        body,
        anchor: props.quote,
        proposedText: kind === 'PROPOSAL' ? proposed : null,
      },
    });
    if (added) props.onDone(added.comment.submitted);
  }

  return (
    <form className="composer" onSubmit={addComment.onSubmit(handleSubmit)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} tabIndex={-1} ref={headingRef} className="composer__title">
        {kind === 'PROPOSAL' ? t('composer.titleProposal') : t('composer.titleRemark')}
      </h3>
      <ErrorSummary errors={problems.summary} />
      {props.quote ? (
        <div className="composer__quote" id={`${id}-quote`} tabIndex={-1}>
          <p className="comment__anchor-label">{t('composer.passage')}</p>
          <blockquote className="comment__quote">{props.passage ?? props.quote.exact}</blockquote>
        </div>
      ) : (
        <p className="field__hint">{t('composer.wholeSection', { title: props.sectionTitle })}</p>
      )}
      <fieldset className="field fieldset">
        <legend className="field__label">{t('composer.kind')}</legend>
        <div className="radios">
          <RadioButtons
            name={`${id}-kind`}
            options={(['REMARK', 'PROPOSAL'] as const).map((value) => ({ value, label: t(`comments.kind.${value}`) }))}
            value={kind}
            onChange={setKind}
          />
        </div>
      </fieldset>
      {kind === 'PROPOSAL' && (
        <TextAreaField
          {...addComment.field('proposedText', [proposed, setProposed])}
          label={t('composer.proposedLabel')}
          hint={props.quote ? t('composer.proposedHintPassage') : t('composer.proposedHintSection')}
          rows={4}
        />
      )}
      <TextAreaField
        {...addComment.field('body', [body, setBody])}
        label={kind === 'PROPOSAL' ? t('composer.reasonLabel') : t('composer.bodyLabel')}
        hint={t('composer.bodyHint')}
        rows={5}
      />
      <FormButtons busy={addComment.fetching} submit={t('composer.submit')} onCancel={props.onCancel} />
    </form>
  );
}
