import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { MyTasksQuery as MyTasksResult } from '../gql/graphql';
import { Countdown } from './Countdown';

/** What the viewer's organisation owes now; the header shows its count from the same query. */
export const MyTasksQuery = graphql(`
  query MyTasks {
    myTasks {
      kind
      due
      awaitingBoard
      count
      round {
        id
        title
      }
      consultation {
        id
      }
      document {
        id
        slug
        title
      }
    }
  }
`);

type Task = MyTasksResult['myTasks'][number];

export function useMyTasks() {
  const [{ data }] = useQuery({ query: MyTasksQuery, requestPolicy: 'cache-and-network' });
  return data?.myTasks ?? null;
}

/** "Mine opgaver" on the documents overview. */
export function MyTasks() {
  const { t } = useTranslation();
  const tasks = useMyTasks();
  if (tasks === null) return null;
  return (
    <section className="panel my-tasks" aria-labelledby="my-tasks-title" id="mine-opgaver">
      <h2 id="my-tasks-title">{t('tasks.title')}</h2>
      {tasks.length === 0 ? (
        <p className="muted">{t('tasks.none')}</p>
      ) : (
        <ul className="task-list">
          {tasks.map((task, index) => (
            <li key={`${task.kind}-${task.round?.id ?? task.consultation?.id ?? task.document?.id ?? index}`}>
              <TaskItem task={task} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** When a task is due, after its link; nothing for a task without a deadline. */
function Due({ due }: { due: string | null }) {
  const { t } = useTranslation();
  if (!due) return null;
  return (
    <>
      {' '}
      <span className="task-list__due">
        {t('tasks.due')} <Countdown deadline={due} />
      </span>
    </>
  );
}

function TaskItem({ task }: { task: Task }) {
  const { t } = useTranslation();
  if (task.kind === 'DECISION' && task.round) {
    return (
      <>
        <Link to={`/approval-rounds/${encodeURIComponent(task.round.id)}`}>
          {t('tasks.decision', { round: task.round.title, document: task.document?.title ?? '' })}
        </Link>
        <Due due={task.due} />
        {task.awaitingBoard && <span className="tag"> {t('tasks.awaitingBoard')}</span>}
      </>
    );
  }
  if (task.kind === 'CONSULTATION_RESPONSE' && task.consultation) {
    // count: the viewer's own organisation's unsent drafts on the consultation (never another's).
    return (
      <>
        <Link to={`/consultations/${encodeURIComponent(task.consultation.id)}`}>
          {t('tasks.consultation', { document: task.document?.title ?? '' })}
        </Link>
        <Due due={task.due} />{' '}
        <span className="muted">({t('tasks.consultationDrafts', { count: task.count })})</span>
      </>
    );
  }
  if ((task.kind === 'DRAFT_COMMENTS' || task.kind === 'COMMENTS_AWAITING_ANSWER') && task.document) {
    const key = task.kind === 'DRAFT_COMMENTS' ? 'tasks.drafts' : 'tasks.awaitingAnswer';
    return (
      <Link to={`/documents/${encodeURIComponent(task.document.slug)}/comments`}>
        {t(key, { count: task.count, document: task.document.title })}
      </Link>
    );
  }
  if (task.kind === 'UNDELIVERABLE_MESSAGES') {
    return <Link to="/outbox?state=UNDELIVERABLE">{t('tasks.undeliverable', { count: task.count })}</Link>;
  }
  return null;
}
