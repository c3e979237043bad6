import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { CommentThread } from './CommentThread';
import { QueryError } from './errors';
import { Loading, useRefetchOn } from './page';

// A section's threads are fetched when its comments are opened, not with the page, and a page at a
// time: a document in consultation has thousands of comments, and a busy section hundreds.
const SectionThreadsQuery = graphql(`
  query SectionThreads($id: ID!, $after: String) {
    node(id: $id) {
      ... on Section {
        id
        commentThreads(first: 20, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            ...CommentThread
          }
        }
      }
    }
  }
`);

// The thread a marker was followed to, when it is not on the pages shown.
const FocusedThreadQuery = graphql(`
  query FocusedThread($id: ID!) {
    node(id: $id) {
      __typename
      ... on Comment {
        id
        ...CommentThread
      }
    }
  }
`);

interface Props {
  sectionId: string;
  canReply: boolean;
  /** Changes whenever the reader learns that the document changed: the threads are fetched again. */
  revision: number;
  /** A comment to scroll to and focus once the threads are shown (a marker was followed). */
  focusCommentId: string | null;
  onFocused: () => void;
  onChanged: () => void;
}

/** The comment threads of one section in the reader, loaded when shown, a page at a time. */
export function SectionThreads(props: Props) {
  const [pageCount, setPageCount] = useState(1);
  // The threads on every page shown, once the last of them has loaded.
  const [shown, setShown] = useState<ReadonlySet<string> | null>(null);
  const [pinned, setPinned] = useState<string | null>(null);
  const [pinnedShown, setPinnedShown] = useState(false);
  const { focusCommentId, onFocused } = props;

  useEffect(() => {
    if (focusCommentId && shown && !shown.has(focusCommentId) && focusCommentId !== pinned) {
      setPinned(focusCommentId); // not on the pages shown: shown on its own, above them
      setPinnedShown(false);
    }
  }, [focusCommentId, shown, pinned]);

  useEffect(() => {
    if (!focusCommentId) return;
    const target = document.getElementById(`comment-${focusCommentId}`);
    if (!target) return;
    target.scrollIntoView({ block: 'center' });
    target.querySelector<HTMLElement>('.comment__title')?.focus();
    onFocused();
  }, [shown, pinnedShown, focusCommentId, onFocused]);

  const common = { sectionId: props.sectionId, canReply: props.canReply, revision: props.revision, onChanged: props.onChanged };
  return (
    <ol className="thread-list">
      {pinned && <FocusedThread {...common} commentId={pinned} onShown={setPinnedShown} />}
      <ThreadPage
        {...common}
        after={null}
        pagesAfter={pageCount - 1}
        before={[]}
        pinned={pinned}
        onShown={setShown}
        onMore={() => setPageCount((count) => count + 1)}
      />
    </ol>
  );
}

interface Shared {
  sectionId: string;
  canReply: boolean;
  revision: number;
  onChanged: () => void;
}

/**
 * One page of threads and, when more pages are shown, the next one, which starts after the last
 * thread of this one as it is now: when threads come or go, the pages stay one after the other.
 */
function ThreadPage(
  props: Shared & {
    after: string | null;
    /** How many more pages to show after this one. */
    pagesAfter: number;
    /** The threads on the pages before this one. */
    before: readonly string[];
    /** Shown on its own above the pages: left out here. */
    pinned: string | null;
    onShown: (threads: ReadonlySet<string>) => void;
    onMore: () => void;
  },
) {
  const { t } = useTranslation();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: SectionThreadsQuery,
    variables: { id: props.sectionId, after: props.after },
    requestPolicy: 'cache-and-network',
  });
  useRefetchOn(props.revision, reexecute);
  const page = data?.node && 'commentThreads' in data.node ? data.node.commentThreads : null;
  const last = page !== null && (props.pagesAfter === 0 || !page.pageInfo.hasNextPage);
  const { onShown, before } = props;
  const threads = page ? [...before, ...page.nodes.map((thread) => thread.id)] : null;
  const key = threads?.join(' ');
  useEffect(() => {
    if (last && key !== undefined) onShown(new Set(key ? key.split(' ') : []));
  }, [last, key, onShown]);

  if (error && !data) return <li><QueryError error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} /></li>;
  if (!page || !threads) return fetching ? <li><Loading /></li> : null;
  const shown = threads.length + (props.pinned && !threads.includes(props.pinned) ? 1 : 0);
  return (
    <>
      {page.nodes.map((comment) =>
        comment.id === props.pinned ? null : (
          <li key={comment.id}>
            <CommentThread comment={comment} canReply={props.canReply} onChanged={props.onChanged} />
          </li>
        ),
      )}
      {page.pageInfo.hasNextPage && page.pageInfo.endCursor && props.pagesAfter > 0 ? (
        <ThreadPage {...props} after={page.pageInfo.endCursor} pagesAfter={props.pagesAfter - 1} before={threads} />
      ) : (
        page.pageInfo.hasNextPage && (
          <li className="thread-list__more">
            <button type="button" className="button button--secondary" onClick={props.onMore}>
              {t('document.moreComments', { count: Math.max(1, page.totalCount - shown) })}
            </button>
          </li>
        )
      )}
    </>
  );
}

/** The thread a marker was followed to, on its own. */
function FocusedThread(props: Shared & { commentId: string; onShown: (shown: boolean) => void }) {
  const [{ data }, reexecute] = useQuery({ query: FocusedThreadQuery, variables: { id: props.commentId }, requestPolicy: 'cache-and-network' });
  useRefetchOn(props.revision, reexecute);
  const thread = data?.node?.__typename === 'Comment' ? data.node : null;
  const { onShown } = props;
  useEffect(() => onShown(thread !== null), [thread, onShown]);
  if (!thread) return null;
  return (
    <li>
      <CommentThread comment={thread} canReply={props.canReply} onChanged={props.onChanged} />
    </li>
  );
}
