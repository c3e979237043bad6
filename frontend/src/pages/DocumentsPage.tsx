import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { DocumentSummary } from '../components/DocumentSummary';
import { DocxImportForm } from '../components/DocxImport';
import { QueryError } from '../components/errors';
import { MyTasks } from '../components/MyTasks';
import { Loading, Panel, usePageTitle } from '../components/page';
import { graphql } from '../gql';
import { hasRole, useViewer } from '../viewer';

const DocumentsQuery = graphql(`
  query Documents {
    documents {
      id
      ...DocumentSummary
    }
  }
`);

export function DocumentsPage() {
  const { t } = useTranslation();
  usePageTitle(t('documents.title'));
  const [{ data, fetching, error }, refetch] = useQuery({ query: DocumentsQuery });
  const viewer = useViewer();

  return (
    <>
      <h1>{t('documents.title')}</h1>
      <p className="lead">{t('documents.intro')}</p>
      <MyTasks />
      {error && <QueryError error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />}
      {fetching && !data && <Loading />}
      {data &&
        (data.documents.length === 0 ? (
          <p>{t('documents.empty')}</p>
        ) : (
          <ul className="document-list">
            {data.documents.map((document) => (
              <li key={document.id}>
                <DocumentSummary document={document} />
              </li>
            ))}
          </ul>
        ))}
      {hasRole(viewer, 'SECRETARIAT') && (
        <Panel id="import-title" title={t('imports.newTitle')}>
          <p className="field__hint">{t('imports.newIntro')}</p>
          <DocxImportForm onImported={() => refetch({ requestPolicy: 'network-only' })} />
        </Panel>
      )}
    </>
  );
}
