import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { CheckboxField } from '../components/choices';
import { QueryError } from '../components/errors';
import { Loading, TableHead, usePageTitle } from '../components/page';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import type { NotificationState } from '../gql/graphql';
import { hasRole, useViewer } from '../viewer';

const PAGE = 50;

const OutboxQuery = graphql(`
  query Outbox($states: [NotificationState!], $before: Int, $limit: Int!) {
    outbox(states: $states, before: $before, limit: $limit) {
      nextBefore
      items {
        id
        kind
        state
        address
        subject
        createdAt
        sentAt
        attempts
        lastError
        recipient {
          id
          name
        }
      }
    }
  }
`);

/** The secretariat's view of every message Udkast sends, and how its delivery stands: newest first,
 * a page at a time; `?state=UNDELIVERABLE` shows only the messages that did not arrive. */
export function OutboxPage() {
  const { t } = useTranslation();
  usePageTitle(t('outbox.title'));
  const viewer = useViewer();
  const [params, setParams] = useSearchParams();
  const undeliverable = params.get('state') === 'UNDELIVERABLE';
  const [pages, setPages] = useState<(number | null)[]>([null]);
  if (!hasRole(viewer, 'SECRETARIAT')) {
    return (
      <>
        <h1>{t('outbox.title')}</h1>
        <p className="notice">{t('outbox.notAllowed')}</p>
      </>
    );
  }
  const states: NotificationState[] | null = undeliverable ? ['UNDELIVERABLE'] : null;
  return (
    <>
      <h1>{t('outbox.title')}</h1>
      <p className="lead">{t('outbox.intro')}</p>
      <CheckboxField
        hintId="outbox-undeliverable-hint"
        label={t('outbox.onlyUndeliverable')}
        hint={t('outbox.onlyUndeliverableHint')}
        checked={undeliverable}
        onChange={(checked) => {
          setPages([null]);
          setParams(checked ? { state: 'UNDELIVERABLE' } : {});
        }}
      />
      <table className="table outbox">
        <caption className="visually-hidden">{t('outbox.title')}</caption>
        <TableHead columns={[t('outbox.created'), t('outbox.recipient'), t('outbox.subject'), t('outbox.state')]} />
        {pages.map((before, index) => (
          <OutboxRows
            key={`${undeliverable ? 'failed' : 'all'}-${before ?? 'first'}`}
            states={states}
            before={before}
            last={index === pages.length - 1}
            onMore={(next) => setPages([...pages, next])}
          />
        ))}
      </table>
    </>
  );
}

function OutboxRows(props: {
  states: NotificationState[] | null;
  before: number | null;
  last: boolean;
  onMore: (before: number) => void;
}) {
  const { t } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: OutboxQuery,
    variables: { states: props.states, before: props.before, limit: PAGE },
    requestPolicy: 'cache-and-network',
  });
  const page = data?.outbox;
  return (
    <tbody>
      {error && !data && (
        <tr>
          <td colSpan={4}>
            <QueryError error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />
          </td>
        </tr>
      )}
      {fetching && !data && (
        <tr>
          <td colSpan={4}>
            <Loading />
          </td>
        </tr>
      )}
      {page && page.items.length === 0 && props.before === null && (
        <tr>
          <td colSpan={4}>{props.states ? t('outbox.noneUndeliverable') : t('outbox.empty')}</td>
        </tr>
      )}
      {page?.items.map((message) => (
        <tr key={message.id} className={message.state === 'UNDELIVERABLE' ? 'outbox__row--failed' : undefined}>
          <td data-label={t('outbox.created')}>
            <DateTime value={message.createdAt} />
          </td>
          <td data-label={t('outbox.recipient')}>
            {message.recipient ? `${message.recipient.name} ` : ''}
            <span className="muted">&lt;{message.address}&gt;</span>
          </td>
          <th scope="row" data-label={t('outbox.subject')}>
            {message.subject}
          </th>
          <td data-label={t('outbox.state')}>
            <span className={`tag tag--${message.state.toLowerCase()}`}>{t(`outbox.states.${message.state}`)}</span>
            {message.sentAt && (
              <>
                {' '}
                <DateTime value={message.sentAt} />
              </>
            )}
            {message.lastError && message.state !== 'SENT' && (
              <p className="field__hint">
                {t('outbox.attempts', { count: message.attempts })}: {message.lastError}
              </p>
            )}
          </td>
        </tr>
      ))}
      {props.last && page && page.nextBefore !== null && page.nextBefore !== undefined && (
        <tr>
          <td colSpan={4}>
            <button type="button" className="button button--secondary" onClick={() => props.onMore(page.nextBefore ?? 0)}>
              {t('outbox.more')}
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
