import { useTranslation } from 'react-i18next';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { sectionAnchor } from './sectionAnchor';

export const TableOfContentsFields = graphql(`
  fragment TableOfContents on Document {
    sections {
      id
      key
      title
      position
      consultedVersion {
        title
      }
    }
  }
`);

export function TableOfContents(props: { document: FragmentType<typeof TableOfContentsFields> }) {
  const { t } = useTranslation();
  const { sections } = getFragmentData(TableOfContentsFields, props.document);
  if (sections.length === 0) return null;
  const ordered = [...sections].sort((a, b) => a.position - b.position);
  return (
    <nav className="toc" aria-labelledby="toc-title">
      <h2 id="toc-title" className="toc__title">
        {t('document.contents')}
      </h2>
      <ol className="toc__list">
        {ordered.map((section) => (
          <li key={section.id}>
            {/* A consulted party reads the sections as sent for consultation, under their titles then. */}
            <a href={`#${sectionAnchor(section.key)}`}>{section.consultedVersion?.title ?? section.title}</a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
