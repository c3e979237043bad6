import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { groupedChanges, wordDiff } from '../lib/worddiff';
import { ApplyProposalMutation, RespondMutation } from './CommentThread';
import { DiffText } from './DiffText';
import { InlineProblems, type Problems, noProblems, useFormMutation } from './forms';

export const SuggestionFields = graphql(`
  fragment Suggestion on CommentMarker {
    id
    proposedText
    anchor {
      exact
    }
    organization {
      shortName
    }
    viewerCan {
      respond
      applyProposal
    }
  }
`);

type SuggestionRef = FragmentType<typeof SuggestionFields>;

/** A passage as it reads: soft line breaks and runs of white space are single spaces. */
export function asRead(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

interface Props {
  suggestions: readonly SuggestionRef[];
  /** Open the thread of a proposal and move to it. */
  onShowThread: (commentId: string) => void;
  /** After an accepted or rejected proposal: what happened, for the section's status line. */
  onDone: (message: string) => void;
}

/**
 * The open change proposals on a block, shown under it as suggestions: the passage's removed
 * words struck through, the proposed words underlined, the proposing organisation named. Two
 * proposals on the same words are listed one after the other, never drawn over each other.
 */
export function Suggestions({ suggestions, onShowThread, onDone }: Props) {
  const { t } = useTranslation();
  if (suggestions.length === 0) return null;
  return (
    <ul className="suggestions" aria-label={t('suggestions.label', { count: suggestions.length })} data-annotation-ui="">
      {suggestions.map((ref) => {
        const comment = getFragmentData(SuggestionFields, ref);
        return (
          <li key={comment.id}>
            <Suggestion commentRef={ref} onShowThread={() => onShowThread(comment.id)} onDone={onDone} />
          </li>
        );
      })}
    </ul>
  );
}

function Suggestion(props: { commentRef: SuggestionRef; onShowThread: () => void; onDone: (message: string) => void }) {
  const { t } = useTranslation();
  const comment = getFragmentData(SuggestionFields, props.commentRef);
  const problems = useState<Problems>(noProblems);
  const apply = useFormMutation(ApplyProposalMutation, 'applyProposal', 'ProposalApplied', { problems });
  const respond = useFormMutation(RespondMutation, 'respondToComment', 'CommentAnswered', { problems });
  const organization = comment.organization?.shortName ?? t('comments.unknownOrganization');
  const parts = groupedChanges(wordDiff(asRead(comment.anchor?.exact ?? ''), asRead(comment.proposedText ?? '')));

  async function accept() {
    if (apply.fetching) return;
    const applied = await apply.run({ input: { commentId: comment.id } });
    if (applied) props.onDone(t(applied.merged ? 'comments.appliedMerged' : 'comments.applied', { version: applied.version.number }));
  }

  async function reject() {
    if (respond.fetching) return;
    const answered = await respond.run({ input: { commentId: comment.id, status: 'REJECTED', response: '' } });
    if (answered) props.onDone(t('suggestions.rejected', { organization }));
  }

  return (
    <article className="suggestion" id={`suggestion-${comment.id}`} aria-label={t('suggestions.from', { organization })}>
      <p className="suggestion__who">{t('suggestions.from', { organization })}</p>
      <DiffText parts={parts} />
      <div className="suggestion__actions">
        {comment.viewerCan.applyProposal && (
          <button type="button" className="button button--small" aria-disabled={apply.fetching || undefined} onClick={() => void accept()}>
            {t('suggestions.accept')}
            <span className="visually-hidden"> {t('suggestions.from', { organization })}</span>
          </button>
        )}
        {comment.viewerCan.respond && (
          <button type="button" className="button button--secondary button--small" aria-disabled={respond.fetching || undefined} onClick={() => void reject()}>
            {t('suggestions.reject')}
            <span className="visually-hidden"> {t('suggestions.from', { organization })}</span>
          </button>
        )}
        <button type="button" className="link-button" onClick={props.onShowThread}>
          {t('suggestions.thread')}
          <span className="visually-hidden"> {t('suggestions.from', { organization })}</span>
        </button>
      </div>
      <InlineProblems problems={problems[0]} />
    </article>
  );
}
