import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { DocumentHeader } from '../components/DocumentHeader';
import { QueryError } from '../components/errors';
import { Loading, usePageTitle } from '../components/page';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { useDocumentPage } from './DocumentPage';

const ActivityDocumentQuery = graphql(`
  query ActivityDocument($slug: String!) {
    document(slug: $slug) {
      id
      viewerCan {
        manage
      }
      ...DocumentHeader
    }
  }
`);

const EventsQuery = graphql(`
  query DocumentEvents($documentId: ID!, $before: Int) {
    events(documentId: $documentId, before: $before, limit: 30) {
      nextBefore
      items {
        id
        seq
        kind
        at
        actorName
        description
        organization {
          id
          shortName
        }
      }
    }
  }
`);

export function ActivityPage() {
  const { t } = useTranslation();
  const { document, gate } = useDocumentPage(ActivityDocumentQuery);
  usePageTitle(t('activity.title'));
  const [pages, setPages] = useState<(number | null)[]>([null]);

  if (!document) return gate;

  return (
    <>
      <DocumentHeader document={document} heading={t('activity.title')} />
      <p className="lead">{t('activity.intro')}</p>
      {document.viewerCan.manage && (
        <p className="export-links">
          <span>{t('activity.export')}</span> <a href={`/exports/events/${encodeURIComponent(document.id)}.csv`}>CSV</a>{' '}
          <a href={`/exports/events/${encodeURIComponent(document.id)}.json`}>JSON</a>
        </p>
      )}
      <ol className="activity">
        {pages.map((before, index) => (
          <EventPage
            key={before ?? 'first'}
            documentId={document.id}
            before={before}
            last={index === pages.length - 1}
            onMore={(next) => setPages([...pages, next])}
          />
        ))}
      </ol>
    </>
  );
}

function EventPage(props: { documentId: string; before: number | null; last: boolean; onMore: (before: number) => void }) {
  const { t } = useTranslation();
  const [{ data, fetching, error }] = useQuery({
    query: EventsQuery,
    variables: { documentId: props.documentId, before: props.before },
    requestPolicy: 'cache-and-network',
  });
  if (error && !data) return <li><QueryError error={error} /></li>;
  if (fetching && !data) return <li><Loading /></li>;
  const page = data?.events;
  if (!page) return null;
  return (
    <>
      {page.items.length === 0 && props.before === null && <li>{t('activity.none')}</li>}
      {page.items.map((event) => (
          <li key={event.id} className="activity__item">
            <p className="activity__when">
              <DateTime value={event.at} />
            </p>
            <p className="activity__what">
              {/* Written by the server in the chosen language, naming what it is about. */}
              <strong>{event.actorName}</strong>
              {event.organization && <span className="muted"> ({event.organization.shortName})</span>} {event.description}
            </p>
          </li>
      ))}
      {props.last && page.nextBefore !== null && (
        <li className="activity__more">
          <button type="button" className="button button--secondary" onClick={() => props.onMore(page.nextBefore ?? 0)}>
            {t('activity.more')}
          </button>
        </li>
      )}
    </>
  );
}
