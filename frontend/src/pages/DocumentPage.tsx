import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { useQuery } from 'urql';
import { QueryError } from '../components/errors';
import { Loading, usePageTitle } from '../components/page';
import { PhaseTag } from '../components/PhaseTag';
import { SectionView } from '../components/SectionView';
import { TableOfContents } from '../components/TableOfContents';
import { graphql } from '../gql';

const DocumentReaderQuery = graphql(`
  query DocumentReader($slug: String!) {
    document(slug: $slug) {
      id
      title
      kind
      phase
      sections {
        id
        position
        ...SectionView
      }
      ...TableOfContents
    }
  }
`);

export function DocumentPage() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: DocumentReaderQuery, variables: { slug } });
  const document = data?.document;
  usePageTitle(document?.title ?? (data ? t('document.notFoundTitle') : t('app.loading')));
  useScrollToHash(Boolean(document));

  if (error) return <QueryError error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!document) {
    return (
      <>
        <h1>{t('document.notFoundTitle')}</h1>
        <p>{t('document.notFound')}</p>
        <p>
          <Link to="/">{t('document.allDocuments')}</Link>
        </p>
      </>
    );
  }

  const sections = [...document.sections].sort((a, b) => a.position - b.position);
  return (
    <>
      <nav aria-label={t('document.breadcrumb')} className="breadcrumb">
        <Link to="/">{t('document.allDocuments')}</Link>
      </nav>
      <div className="document-header">
        <p className="document-header__kind">{t(`documents.kind.${document.kind}`)}</p>
        <h1>{document.title}</h1>
        <PhaseTag phase={document.phase} />
      </div>
      <div className="reader">
        <aside className="reader__toc">
          <TableOfContents document={document} />
        </aside>
        <article className="reader__body">
          {sections.length === 0 ? (
            <p>{t('document.noSections')}</p>
          ) : (
            sections.map((section) => <SectionView key={section.id} section={section} />)
          )}
        </article>
      </div>
    </>
  );
}

/** A link such as /documents/x#section-y should land on the section once it has loaded. */
function useScrollToHash(ready: boolean): void {
  const { hash } = useLocation();
  useEffect(() => {
    if (!ready || !hash) return;
    document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [ready, hash]);
}
