import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ServerDiff } from '../components/DiffText';
import { DocumentHeader } from '../components/DocumentHeader';
import { InlineProblems, StatusMessage, useFormMutation } from '../components/forms';
import { TableHead, usePageQuery, usePageTitle } from '../components/page';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { DocumentNotFound } from './DocumentPage';

const SectionHistoryQuery = graphql(`
  query SectionHistory($slug: String!, $id: ID!, $from: Int, $to: Int) {
    document(slug: $slug) {
      id
      viewerCan {
        edit
      }
      ...DocumentHeader
    }
    node(id: $id) {
      __typename
      ... on Section {
        id
        key
        title
        version
        versions(limit: 100) {
          id
          number
          title
          summary
          createdAt
          merged
          restoredFrom
          baseVersion
          author {
            id
            name
          }
          organization {
            id
            shortName
          }
        }
        diff(from: $from, to: $to) {
          fromVersion
          toVersion
          fromTitle
          toTitle
          html
        }
      }
    }
  }
`);

const RestoreVersionMutation = graphql(`
  mutation RestoreSectionVersion($input: RestoreSectionVersionInput!) {
    restoreSectionVersion(input: $input) {
      __typename
      ... on SectionSaved {
        changed
        version {
          number
        }
        section {
          id
          version
          title
          body
          html
        }
      }
      ...UserError
    }
  }
`);

export function SectionHistoryPage() {
  const { t } = useTranslation();
  const { slug = '', sectionId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const from = numberParam(params.get('from'));
  const to = numberParam(params.get('to'));
  const { data, refresh, waiting } = usePageQuery({
    query: SectionHistoryQuery,
    variables: { slug, id: sectionId, from, to },
  });
  const [done, setDone] = useState('');
  const restore = useFormMutation(RestoreVersionMutation, 'restoreSectionVersion', 'SectionSaved');
  const document = data?.document;
  const section = data?.node?.__typename === 'Section' ? data.node : null;
  usePageTitle(section ? t('history.pageTitle', { title: section.title }) : t('app.loading'));

  if (waiting) return waiting;
  if (!document || !section) return <DocumentNotFound />;

  async function handleRestore(version: number) {
    if (restore.fetching || !section) return;
    setDone('');
    const saved = await restore.run({ input: { sectionId: section.id, version } });
    if (!saved) return;
    setDone(saved.changed ? t('history.restored', { version, number: saved.version.number }) : t('history.restoredUnchanged'));
    setParams({});
    refresh();
  }

  const diff = section.diff;
  return (
    <>
      <DocumentHeader document={document} heading={t('history.heading', { title: section.title })} />
      <p>
        <Link to={`/documents/${encodeURIComponent(slug)}#section-${section.key}`}>{t('history.back')}</Link>
      </p>
      <InlineProblems problems={restore.problems} />
      {done && <StatusMessage focus>{done}</StatusMessage>}
      <section aria-labelledby="diff-title" className="panel">
        <h2 id="diff-title">
          {diff ? t('history.diffTitle', { from: diff.fromVersion, to: diff.toVersion }) : t('history.noDiff')}
        </h2>
        {diff && (
          <>
            {diff.fromTitle !== diff.toTitle && (
              <p>
                {t('history.titleChanged')} <del>{diff.fromTitle}</del> → <ins>{diff.toTitle}</ins>
              </p>
            )}
            <ServerDiff html={diff.html} />
          </>
        )}
      </section>
      <h2>{t('history.versions')}</h2>
      <table className="table">
        <caption className="visually-hidden">{t('history.versions')}</caption>
        <TableHead columns={[t('history.version'), t('history.when'), t('history.who'), t('history.summary'), t('history.actions')]} />
        <tbody>
          {section.versions.map((version) => (
            <tr key={version.id} aria-current={version.number === section.version ? 'true' : undefined}>
              <th scope="row" data-label={t('history.version')}>
                {version.number}
                {version.number === section.version && <span className="tag tag--small">{t('history.current')}</span>}
              </th>
              <td data-label={t('history.when')}>
                <DateTime value={version.createdAt} />
              </td>
              <td data-label={t('history.who')}>
                {version.author?.name ?? '–'}
                {version.organization && <span className="muted"> ({version.organization.shortName})</span>}
              </td>
              <td data-label={t('history.summary')}>
                {version.summary || <span className="muted">{t('history.noSummary')}</span>}
                {version.merged && <span className="tag tag--small">{t('history.merged')}</span>}
                {version.restoredFrom !== null && (
                  <span className="tag tag--small">{t('history.restoredFrom', { version: version.restoredFrom })}</span>
                )}
              </td>
              <td className="table__actions" data-label={t('history.actions')}>
                {version.number > 1 && (
                  <Link to={`?from=${version.number - 1}&to=${version.number}`}>
                    {t('history.comparePrevious')}
                    <span className="visually-hidden"> ({t('history.version')} {version.number})</span>
                  </Link>
                )}
                {version.number !== section.version && (
                  <Link to={`?from=${version.number}&to=${section.version}`}>
                    {t('history.compareCurrent')}
                    <span className="visually-hidden"> ({t('history.version')} {version.number})</span>
                  </Link>
                )}
                {document.viewerCan.edit && version.number !== section.version && (
                  <button type="button" className="link-button" onClick={() => void handleRestore(version.number)}>
                    {t('history.restore')}
                    <span className="visually-hidden"> ({t('history.version')} {version.number})</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function numberParam(value: string | null): number | null {
  const parsed = value ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : null;
}
