import { useTranslation } from 'react-i18next';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { sectionAnchor } from './sectionAnchor';

export const TableOfContentsFields = graphql(`
  fragment TableOfContents on Document {
    headings {
      id
      key
      title
    }
  }
`);

export function TableOfContents(props: { document: FragmentType<typeof TableOfContentsFields> }) {
  const { t } = useTranslation();
  const { headings } = getFragmentData(TableOfContentsFields, props.document);
  if (headings.length === 0) return null;
  return (
    <nav className="toc" aria-labelledby="toc-title">
      <h2 id="toc-title" className="toc__title">
        {t('document.contents')}
      </h2>
      <ol className="toc__list">
        {/* A consulted party reads the sections as sent for consultation, under their titles then. */}
        {headings.map((heading) => (
          <li key={heading.id}>
            <a href={`#${sectionAnchor(heading.key)}`}>{heading.title}</a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
