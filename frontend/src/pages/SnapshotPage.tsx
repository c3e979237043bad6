import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { DocumentHeader } from '../components/DocumentHeader';
import { ExportLinks } from '../components/ExportLinks';
import { Fact, usePageQuery, usePageTitle } from '../components/page';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { snapshotName } from '../lib/snapshotName';
import { NotFound } from './NotFoundPage';

const SnapshotQuery = graphql(`
  query SnapshotText($id: ID!) {
    node(id: $id) {
      ... on Snapshot {
        id
        number
        label
        createdAt
        fingerprint
        document {
          id
          ...DocumentHeader
        }
        sections {
          id
          number
          title
          html
        }
      }
    }
  }
`);

/** An udgave as its readers read it: the frozen text itself, rendered, e.g. the text under approval. */
export function SnapshotPage() {
  const { t } = useTranslation();
  const { snapshotId = '' } = useParams();
  const { data, waiting } = usePageQuery({ query: SnapshotQuery, variables: { id: snapshotId } });
  const snapshot = data?.node && 'sections' in data.node ? data.node : null;
  const name = snapshot ? snapshotName(t, snapshot) : t('snapshots.notFound');
  usePageTitle(name);

  if (waiting) return waiting;
  if (!snapshot || !snapshot.document) return <NotFound title={t('snapshots.notFound')} home={t('document.allDocuments')} />;

  return (
    <>
      <DocumentHeader document={snapshot.document} heading={name} />
      <p className="lead">{t('snapshots.textIntro')}</p>
      <dl className="meta-list">
        <Fact term={t('snapshots.created')}>
          <DateTime value={snapshot.createdAt} />
        </Fact>
        <Fact term={t('snapshots.fingerprint')}>
          <code className="fingerprint">{snapshot.fingerprint.slice(0, 12)}</code>
        </Fact>
      </dl>
      <ExportLinks base={`/exports/snapshots/${encodeURIComponent(snapshot.id)}`} subject={name} />
      {snapshot.sections.map((version) => (
        <section key={version.id} className="section" aria-labelledby={`frozen-${version.id}`}>
          <h2 className="section__title" id={`frozen-${version.id}`}>
            {version.title}
          </h2>
          <p className="section__meta">{t('document.version', { version: version.number })}</p>
          {/* Rendered by the server's one Markdown renderer: raw HTML off, unsafe links refused. */}
          <div className="prose" dangerouslySetInnerHTML={{ __html: version.html }} />
        </section>
      ))}
    </>
  );
}
