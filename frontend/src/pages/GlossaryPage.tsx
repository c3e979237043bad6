import { useTranslation } from 'react-i18next';
import { usePageQuery, usePageTitle } from '../components/page';
import { graphql } from '../gql';

const GlossaryQuery = graphql(`
  query Glossary {
    glossary {
      term
      definition
      inOtherLanguage
      avoid
    }
  }
`);

/** Udkast's words and what they mean (server/glossary.json), in the reader's language. */
export function GlossaryPage() {
  const { t } = useTranslation();
  usePageTitle(t('glossary.title'));
  const { data, waiting } = usePageQuery({ query: GlossaryQuery });
  return (
    <>
      <h1>{t('glossary.title')}</h1>
      <p className="lead">{t('glossary.intro')}</p>
      {waiting ?? (
        <dl className="glossary">
          {data?.glossary.map((entry) => (
            <div className="glossary__entry" key={entry.term}>
              <dt className="glossary__term">{entry.term}</dt>
              <dd className="glossary__definition">{entry.definition}</dd>
              <dd className="glossary__other muted">
                {t('glossary.otherLanguage')} <span lang={t('language.otherCode')}>{entry.inOtherLanguage}</span>
              </dd>
              {entry.avoid.length > 0 && (
                <dd className="glossary__avoid muted">{t('glossary.avoid', { words: entry.avoid.map((word) => `»${word.trim()}«`).join(', ') })}</dd>
              )}
            </div>
          ))}
        </dl>
      )}
    </>
  );
}
