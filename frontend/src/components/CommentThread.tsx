import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime } from '../datetime';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import type { CommentStatus } from '../gql/graphql';
import { FormButtons, InlineProblems, type Problems, SelectField, StatusMessage, TextAreaField, noProblems, useFormMutation } from './forms';

export const CommentViewFields = graphql(`
  fragment CommentView on Comment {
    id
    kind
    html
    body
    proposedText
    status
    response
    responseHtml
    submitted
    createdAt
    respondedAt
    appliedVersion
    sectionVersion
    anchor {
      exact
    }
    passage
    anchorStatus
    author {
      id
      name
    }
    organization {
      id
      shortName
    }
    respondedBy {
      id
      name
    }
    section {
      id
      version
      consultedVersion {
        number
      }
    }
    viewerCan {
      edit
      respond
      applyProposal
    }
  }
`);

export const CommentThreadFields = graphql(`
  fragment CommentThread on Comment {
    id
    changedSinceAnswer
    consultedLocation {
      version
    }
    ...CommentView
    replies {
      id
      ...CommentView
    }
  }
`);

export const statuses: readonly CommentStatus[] = ['OPEN', 'ACCEPTED', 'PARTLY_ACCEPTED', 'REJECTED', 'NOTED'];

export function StatusTag({ status }: { status: CommentStatus }) {
  const { t } = useTranslation();
  return <span className={`tag tag--status-${status.toLowerCase().replaceAll('_', '-')}`}>{t(`comments.status.${status}`)}</span>;
}

interface ThreadProps {
  comment: FragmentType<typeof CommentThreadFields>;
  /** May the viewer write replies on this document? */
  canReply: boolean;
  /** Heading level of each comment's title. */
  level?: 3 | 4;
  /** After an action on the thread's comment or a reply (its id), so the page can refresh. */
  onChanged?: (commentId: string) => void;
}

/** A comment with its replies and what the viewer may do with it. */
export function CommentThread({ comment: ref, canReply, level = 3, onChanged }: ThreadProps) {
  const thread = getFragmentData(CommentThreadFields, ref);
  return (
    <div className="thread">
      <CommentItem comment={thread} canReply={canReply} level={level} onChanged={onChanged} changedSinceAnswer={thread.changedSinceAnswer} consultedLocation={thread.consultedLocation} />
      {thread.replies.length > 0 && (
        <ol className="thread__replies">
          {thread.replies.map((reply) => (
            <li key={reply.id}>
              <CommentItem comment={reply} canReply={false} level={4} onChanged={onChanged} isReply />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** One comment on its own (a draft in the list of what submitting sends), without its replies. */
export function CommentEntry({ comment, level = 4, onChanged }: { comment: FragmentType<typeof CommentViewFields>; level?: 3 | 4; onChanged?: (commentId: string) => void }) {
  return (
    <div className="thread">
      <CommentItem comment={comment} canReply={false} level={level} onChanged={onChanged} />
    </div>
  );
}

type Panel = 'none' | 'reply' | 'respond' | 'edit';

export const ApplyProposalMutation = graphql(`
  mutation ApplyProposal($input: ApplyProposalInput!) {
    applyProposal(input: $input) {
      __typename
      ... on ProposalApplied {
        merged
        version {
          number
        }
        comment {
          id
          ...CommentView
        }
      }
      ...UserError
    }
  }
`);

const DeleteCommentMutation = graphql(`
  mutation DeleteComment($input: DeleteCommentInput!) {
    deleteComment(input: $input) {
      __typename
      ... on CommentDeleted {
        comment {
          id
        }
      }
      ...UserError
    }
  }
`);

function CommentItem(props: {
  comment: FragmentType<typeof CommentViewFields>;
  canReply: boolean;
  level: 3 | 4;
  onChanged?: ((commentId: string) => void) | undefined;
  isReply?: boolean;
  /** The author changed it after the steering group answered (only the steering group is told). */
  changedSinceAnswer?: boolean;
  /**
   * Where the passage is in the text sent for consultation, for a consulted party (asked at thread level
   * only, so the comments page stays within its query cost); undefined where not asked.
   */
  consultedLocation?: { version: number } | null | undefined;
}) {
  const { t } = useTranslation();
  const comment = getFragmentData(CommentViewFields, props.comment);
  // A consulted party reads the text sent for consultation: whether the passage is still there is
  // judged in that text, where its marker and highlight are, not in the steering group's newer one.
  const consulted = comment.section?.consultedVersion ?? null;
  const anchorStatus =
    consulted && props.consultedLocation !== undefined
      ? props.consultedLocation?.version === consulted.number
        ? 'ANCHORED'
        : 'OUTDATED'
      : comment.anchorStatus;
  const [panel, setPanel] = useState<Panel>('none');
  const [done, setDone] = useState('');
  const [problems, setProblems] = useState<Problems>(noProblems);
  const applyProposal = useFormMutation(ApplyProposalMutation, 'applyProposal', 'ProposalApplied', { problems: [problems, setProblems] });
  const deleteComment = useFormMutation(DeleteCommentMutation, 'deleteComment', 'CommentDeleted', { problems: [problems, setProblems] });
  const titleId = useId();
  const Heading = props.level === 3 ? 'h3' : 'h4';

  const finish = (message: string) => {
    setPanel('none');
    setProblems(noProblems);
    setDone(message);
    props.onChanged?.(comment.id);
  };

  async function handleApply() {
    if (applyProposal.fetching) return;
    const applied = await applyProposal.run({ input: { commentId: comment.id } });
    if (applied) {
      finish(
        applied.merged
          ? t('comments.appliedMerged', { version: applied.version.number })
          : t('comments.applied', { version: applied.version.number }),
      );
    }
  }

  async function handleDelete() {
    if (deleteComment.fetching) return;
    if (!window.confirm(t('comments.withdrawConfirm'))) return;
    if (await deleteComment.run({ input: { commentId: comment.id } })) finish(t('comments.withdrawn'));
  }

  const toggle = (next: Panel) => {
    setDone('');
    setProblems(noProblems);
    setPanel(panel === next ? 'none' : next);
  };

  return (
    <article className={comment.submitted ? 'comment' : 'comment comment--draft'} id={`comment-${comment.id}`} aria-labelledby={titleId}>
      <header className="comment__header">
        <Heading className="comment__title" id={titleId} tabIndex={-1}>
          <span className="comment__org">{comment.organization?.shortName ?? t('comments.unknownOrganization')}</span>
          <span className="comment__author">{comment.author?.name ?? t('comments.unknownAuthor')}</span>
        </Heading>
        <p className="comment__meta">
          <DateTime value={comment.createdAt} /> · {t('comments.onVersion', { version: comment.sectionVersion })}
        </p>
        <p className="comment__tags">
          {!props.isReply && <span className="tag tag--kind">{t(`comments.kind.${comment.kind}`)}</span>}
          {!props.isReply && <StatusTag status={comment.status} />}
          {!comment.submitted && <span className="tag tag--draft">{t('comments.draft')}</span>}
        </p>
      </header>
      {comment.anchor && (
        <div className="comment__anchor">
          <p className="comment__anchor-label">
            {t('comments.passage')}
            {anchorStatus && anchorStatus !== 'ANCHORED' && (
              <span className={`anchor-status anchor-status--${anchorStatus.toLowerCase()}`}>
                {' '}
                {t(`comments.anchorStatus.${anchorStatus}`)}
              </span>
            )}
          </p>
          <blockquote className="comment__quote">{comment.passage ?? comment.anchor.exact}</blockquote>
        </div>
      )}
      <div className="comment__body prose prose--small" dangerouslySetInnerHTML={{ __html: comment.html }} />
      {comment.kind === 'PROPOSAL' && comment.proposedText !== null && (
        <div className="comment__proposal">
          <p className="comment__anchor-label">{t('comments.proposedText')}</p>
          <p className="comment__proposed">{comment.proposedText}</p>
          {comment.appliedVersion !== null && (
            <p className="comment__applied">{t('comments.appliedIn', { version: comment.appliedVersion })}</p>
          )}
        </div>
      )}
      {(comment.response || comment.status !== 'OPEN') && !props.isReply && (
        <div className="comment__response">
          <p className="comment__response-title">
            {t('comments.responseTitle')}
            {comment.respondedBy && <> · {comment.respondedBy.name}</>}
            {comment.respondedAt && (
              <>
                {' '}
                · <DateTime value={comment.respondedAt} />
              </>
            )}
          </p>
          {props.changedSinceAnswer && <p className="notice notice--warning">{t('comments.changedSinceAnswer')}</p>}
          {comment.response ? (
            <div className="prose prose--small" dangerouslySetInnerHTML={{ __html: comment.responseHtml }} />
          ) : (
            <p>{t('comments.noResponseText')}</p>
          )}
        </div>
      )}
      <div className="comment__actions">
        {props.canReply && comment.submitted && (
          <button type="button" className="link-button" aria-expanded={panel === 'reply'} onClick={() => toggle('reply')}>
            {t('comments.reply')}
          </button>
        )}
        {comment.viewerCan.respond && (
          <button type="button" className="link-button" aria-expanded={panel === 'respond'} onClick={() => toggle('respond')}>
            {comment.status === 'OPEN' ? t('comments.respond') : t('comments.changeResponse')}
          </button>
        )}
        {comment.viewerCan.applyProposal && (
          <button type="button" className="link-button" onClick={() => void handleApply()} aria-disabled={applyProposal.fetching || undefined}>
            {t('comments.applyProposal')}
          </button>
        )}
        {comment.viewerCan.edit && (
          <>
            <button type="button" className="link-button" aria-expanded={panel === 'edit'} onClick={() => toggle('edit')}>
              {t('comments.edit')}
            </button>
            <button type="button" className="link-button" onClick={() => void handleDelete()}>
              {t('comments.withdraw')}
            </button>
          </>
        )}
      </div>
      <InlineProblems problems={problems} />
      {done && <StatusMessage>{done}</StatusMessage>}
      {panel === 'reply' && comment.section && (
        <ReplyForm
          parentId={comment.id}
          sectionId={comment.section.id}
          version={comment.section.consultedVersion?.number ?? comment.section.version}
          onDone={(submitted) => finish(submitted ? t('comments.replySent') : t('comments.replyDraft'))}
          onCancel={() => setPanel('none')}
        />
      )}
      {panel === 'respond' && (
        <RespondForm
          commentId={comment.id}
          status={comment.status}
          response={comment.response}
          onDone={() => finish(t('comments.responseSaved'))}
          onCancel={() => setPanel('none')}
        />
      )}
      {panel === 'edit' && (
        <EditForm
          commentId={comment.id}
          body={comment.body}
          proposedText={comment.kind === 'PROPOSAL' ? comment.proposedText : null}
          onDone={() => finish(t('comments.edited'))}
          onCancel={() => setPanel('none')}
        />
      )}
    </article>
  );
}

const ReplyMutation = graphql(`
  mutation ReplyToComment($input: AddCommentInput!) {
    addComment(input: $input) {
      __typename
      ... on CommentAdded {
        comment {
          id
          submitted
        }
      }
      ...UserError
    }
  }
`);

function ReplyForm(props: {
  parentId: string;
  sectionId: string;
  version: number;
  onDone: (submitted: boolean) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [body, setBody] = useState('');
  const reply = useFormMutation(ReplyMutation, 'addComment', 'CommentAdded', { fieldIds: { body: `${id}-body` } });
  const { problems } = reply;

  async function handleSubmit() {
    // The inline form's message is not a link to the field, so it carries no field id.
    if (!body.trim()) return reply.setProblems({ fields: { body: t('comments.bodyRequired') }, summary: [{ message: t('comments.bodyRequired') }] });
    const added = await reply.run({ input: { sectionId: props.sectionId, version: props.version, body, parentId: props.parentId } });
    if (added) props.onDone(added.comment.submitted);
  }

  return (
    <form className="inline-form" onSubmit={reply.onSubmit(handleSubmit)} noValidate>
      <InlineProblems problems={problems} />
      <TextAreaField {...reply.field('body', [body, setBody])} label={t('comments.replyLabel')} rows={3} autoFocus />
      <FormButtons busy={reply.fetching} submit={t('comments.sendReply')} onCancel={props.onCancel} />
    </form>
  );
}

export const RespondMutation = graphql(`
  mutation RespondToComment($input: RespondToCommentInput!) {
    respondToComment(input: $input) {
      __typename
      ... on CommentAnswered {
        comment {
          id
          ...CommentView
        }
      }
      ...UserError
    }
  }
`);

function RespondForm(props: {
  commentId: string;
  status: CommentStatus;
  response: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [status, setStatus] = useState<CommentStatus>(props.status === 'OPEN' ? 'ACCEPTED' : props.status);
  const [response, setResponse] = useState(props.response);
  const respond = useFormMutation(RespondMutation, 'respondToComment', 'CommentAnswered', {
    fieldIds: { status: `${id}-status`, response: `${id}-response` },
  });
  const { problems } = respond;

  async function handleSubmit() {
    if (await respond.run({ input: { commentId: props.commentId, status, response } })) props.onDone();
  }

  return (
    <form className="inline-form" onSubmit={respond.onSubmit(handleSubmit)} noValidate>
      <InlineProblems problems={problems} />
      <SelectField
        id={`${id}-status`}
        label={t('comments.disposition')}
        value={status}
        onChange={(event) => setStatus(event.target.value as CommentStatus)}
        error={problems.fields.status}
        autoFocus
        options={statuses.map((value) => ({ value, label: t(`comments.status.${value}`) }))}
      />
      <TextAreaField {...respond.field('response', [response, setResponse])} label={t('comments.responseLabel')} hint={t('comments.responseHint')} rows={4} />
      <FormButtons busy={respond.fetching} submit={t('comments.saveResponse')} onCancel={props.onCancel} />
    </form>
  );
}

const EditCommentMutation = graphql(`
  mutation EditComment($input: EditCommentInput!) {
    editComment(input: $input) {
      __typename
      ... on CommentEdited {
        comment {
          id
          ...CommentView
        }
      }
      ...UserError
    }
  }
`);

function EditForm(props: {
  commentId: string;
  body: string;
  proposedText: string | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [body, setBody] = useState(props.body);
  const [proposed, setProposed] = useState(props.proposedText ?? '');
  const edit = useFormMutation(EditCommentMutation, 'editComment', 'CommentEdited', {
    fieldIds: { body: `${id}-body`, proposedText: `${id}-proposed` },
  });
  const { problems } = edit;

  async function handleSubmit() {
    const input = { commentId: props.commentId, body, proposedText: props.proposedText === null ? null : proposed };
    if (await edit.run({ input })) props.onDone();
  }

  return (
    <form className="inline-form" onSubmit={edit.onSubmit(handleSubmit)} noValidate>
      <InlineProblems problems={problems} />
      <TextAreaField {...edit.field('body', [body, setBody])} label={t('comments.bodyLabel')} rows={4} autoFocus />
      {props.proposedText !== null && (
        <TextAreaField {...edit.field('proposedText', [proposed, setProposed])} label={t('comments.proposedText')} rows={3} />
      )}
      <FormButtons busy={edit.fetching} submit={t('comments.saveEdit')} onCancel={props.onCancel} />
    </form>
  );
}
