import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { PhaseTag } from './PhaseTag';

export const DocumentSummaryFields = graphql(`
  fragment DocumentSummary on Document {
    slug
    title
    kind
    phase
  }
`);

/** One document in the overview. */
export function DocumentSummary(props: { document: FragmentType<typeof DocumentSummaryFields> }) {
  const { t } = useTranslation();
  const document = getFragmentData(DocumentSummaryFields, props.document);
  return (
    <article className="document-summary">
      <h2 className="document-summary__title">
        <Link to={`/documents/${encodeURIComponent(document.slug)}`}>{document.title}</Link>
      </h2>
      <dl className="meta-list">
        <div>
          <dt>{t('documents.kindLabel')}</dt>
          <dd>{t(`documents.kind.${document.kind}`)}</dd>
        </div>
        <div>
          <dt>{t('documents.phaseLabel')}</dt>
          <dd>
            <PhaseTag phase={document.phase} />
          </dd>
        </div>
      </dl>
    </article>
  );
}
