import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { QueryError } from '../components/errors';
import { Loading, usePageTitle } from '../components/page';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { hasRole, useViewer } from '../viewer';

const OutboxQuery = graphql(`
  query Outbox {
    outbox {
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
`);

/** The secretariat's view of every message Udkast sends, and how its delivery stands. */
export function OutboxPage() {
  const { t } = useTranslation();
  usePageTitle(t('outbox.title'));
  const viewer = useViewer();
  const allowed = hasRole(viewer, 'SECRETARIAT');
  const [{ data, fetching, error }, refetch] = useQuery({ query: OutboxQuery, pause: !allowed, requestPolicy: 'cache-and-network' });
  if (!allowed) {
    return (
      <>
        <h1>{t('outbox.title')}</h1>
        <p className="notice">{t('outbox.notAllowed')}</p>
      </>
    );
  }
  return (
    <>
      <h1>{t('outbox.title')}</h1>
      <p className="lead">{t('outbox.intro')}</p>
      {error && !data && <QueryError error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />}
      {fetching && !data && <Loading />}
      {data &&
        (data.outbox.length === 0 ? (
          <p>{t('outbox.empty')}</p>
        ) : (
          <table className="table outbox">
            <caption className="visually-hidden">{t('outbox.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('outbox.created')}</th>
                <th scope="col">{t('outbox.recipient')}</th>
                <th scope="col">{t('outbox.subject')}</th>
                <th scope="col">{t('outbox.state')}</th>
              </tr>
            </thead>
            <tbody>
              {data.outbox.map((message) => (
                <tr key={message.id} className={message.state === 'UNDELIVERABLE' ? 'outbox__row--failed' : undefined}>
                  <td>
                    <DateTime value={message.createdAt} />
                  </td>
                  <td>
                    {message.recipient ? `${message.recipient.name} ` : ''}
                    <span className="muted">&lt;{message.address}&gt;</span>
                  </td>
                  <th scope="row">{message.subject}</th>
                  <td>
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
            </tbody>
          </table>
        ))}
    </>
  );
}
