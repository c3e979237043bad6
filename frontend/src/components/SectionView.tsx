import { useTranslation } from 'react-i18next';
import { DateTime } from '../datetime';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { sectionAnchor } from './sectionAnchor';

export const SectionViewFields = graphql(`
  fragment SectionView on Section {
    key
    title
    version
    html
    updatedAt
  }
`);

/** One section as read: title, version line and the server-rendered body. */
export function SectionView(props: { section: FragmentType<typeof SectionViewFields> }) {
  const { t } = useTranslation();
  const section = getFragmentData(SectionViewFields, props.section);
  const anchor = sectionAnchor(section.key);
  return (
    <section className="section" id={anchor} aria-labelledby={`${anchor}-title`}>
      <h2 className="section__title" id={`${anchor}-title`}>
        {section.title}
      </h2>
      <p className="section__meta">
        {t('document.version', { version: section.version })} · {t('document.updated')}{' '}
        <DateTime value={section.updatedAt} />
      </p>
      {/* Rendered by the server's one Markdown renderer: raw HTML off, unsafe links refused. */}
      <div className="prose" dangerouslySetInnerHTML={{ __html: section.html }} />
    </section>
  );
}
