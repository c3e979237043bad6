import { useEffect, useRef } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { CommentThread } from './CommentThread';
import { QueryError } from './errors';
import { Loading } from './page';

// A section's threads are fetched when its comments are opened, not with the page: a document in
// consultation has thousands of comments, and the reader needs only their markers to open.
const SectionThreadsQuery = graphql(`
  query SectionThreads($id: ID!) {
    node(id: $id) {
      ... on Section {
        id
        comments {
          id
          ...CommentThread
        }
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

/** The comment threads of one section in the reader, loaded when shown. */
export function SectionThreads(props: Props) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: SectionThreadsQuery,
    variables: { id: props.sectionId },
    requestPolicy: 'cache-and-network',
  });
  const shownRevision = useRef(props.revision);
  useEffect(() => {
    if (props.revision === shownRevision.current) return;
    shownRevision.current = props.revision;
    reexecute({ requestPolicy: 'network-only' });
  }, [props.revision, reexecute]);

  const comments = data?.node && 'comments' in data.node ? data.node.comments : null;
  const { focusCommentId, onFocused } = props;
  useEffect(() => {
    if (!comments || !focusCommentId) return;
    const target = document.getElementById(`comment-${focusCommentId}`);
    if (!target) return;
    target.scrollIntoView({ block: 'center' });
    target.querySelector<HTMLElement>('.comment__title')?.focus();
    onFocused();
  }, [comments, focusCommentId, onFocused]);

  if (error && !data) return <QueryError error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!comments) return fetching ? <Loading /> : null;
  return (
    <ol className="thread-list">
      {comments.map((comment) => (
        <li key={comment.id}>
          <CommentThread comment={comment} canReply={props.canReply} onChanged={props.onChanged} />
        </li>
      ))}
    </ol>
  );
}
