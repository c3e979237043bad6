import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { StatusTag, statuses } from '../components/CommentThread';
import { DocumentHeader } from '../components/DocumentHeader';
import { ExportLinks } from '../components/ExportLinks';
import { QueryError } from '../components/errors';
import { SelectField } from '../components/forms';
import { Loading, TableHead, usePageTitle } from '../components/page';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { snapshotName } from '../lib/snapshotName';
import { useDocumentPage } from './DocumentPage';

const ReportDocumentQuery = graphql(`
  query ReportDocument($slug: String!) {
    document(slug: $slug) {
      id
      snapshots {
        id
        number
        label
      }
      ...DocumentHeader
    }
  }
`);

const ReportQuery = graphql(`
  query ConsultationReport($documentId: ID!, $snapshotId: ID!) {
    consultationReport(documentId: $documentId, snapshotId: $snapshotId) {
      total
      htmlUrl
      snapshot {
        id
        number
        label
        createdAt
      }
      counts {
        total
        organization {
          id
          shortName
        }
        byStatus {
          status
          count
        }
      }
      sections {
        key
        title
        version
        organizations {
          organization {
            id
            shortName
            name
          }
          comments {
            id
            kind
            html
            proposedText
            status
            responseHtml
            response
            anchor {
              exact
            }
            passage
            author {
              id
              name
            }
          }
        }
      }
    }
  }
`);

export function ReportPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const { document, gate } = useDocumentPage(ReportDocumentQuery);
  usePageTitle(t('report.title'));
  const snapshotId = params.get('snapshot') ?? document?.snapshots[0]?.id ?? '';
  const [report] = useQuery({
    query: ReportQuery,
    variables: { documentId: document?.id ?? '', snapshotId },
    pause: !document || !snapshotId,
  });

  if (!document) return gate;

  const found = report.data?.consultationReport;
  return (
    <>
      <DocumentHeader document={document} heading={t('report.title')} />
      <p className="lead">{t('report.intro')}</p>
      {document.snapshots.length === 0 ? (
        <p>{t('report.noSnapshots')}</p>
      ) : (
        <SelectField
          id="report-snapshot"
          label={t('report.snapshot')}
          value={snapshotId}
          onChange={(event) => setParams({ snapshot: event.target.value })}
          options={document.snapshots.map((snapshot) => ({ value: snapshot.id, label: snapshotName(t, snapshot) }))}
        />
      )}
      {report.error && <QueryError error={report.error} />}
      {report.fetching && <Loading />}
      {found && (
        <>
          <ExportLinks base={found.htmlUrl.replace(/\.html$/, '')} label={t('report.export')} />
          <p>
            {t('report.snapshotLine')} {snapshotName(t, found.snapshot)}, <DateTime value={found.snapshot.createdAt} />.{' '}
            {t('report.total', { count: found.total })}
          </p>
          {found.counts.length > 0 && (
            <table className="table">
              <caption className="table__caption">{t('report.countsTitle')}</caption>
              <TableHead columns={[t('report.organization'), t('report.totalColumn'), ...statuses.map((status) => t(`comments.status.${status}`))]} />
              <tbody>
                {found.counts.map((count) => (
                  <tr key={count.organization?.id ?? 'none'}>
                    <th scope="row">{count.organization?.shortName ?? '–'}</th>
                    <td>{count.total}</td>
                    {statuses.map((status) => (
                      <td key={status}>{count.byStatus.find((entry) => entry.status === status)?.count ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {found.sections.map((section) => (
            <section key={section.key} aria-labelledby={`report-${section.key}`} className="report-section">
              <h2 id={`report-${section.key}`}>
                {section.title} <span className="muted">({t('document.version', { version: section.version })})</span>
              </h2>
              {section.organizations.length === 0 ? (
                <p className="muted">{t('report.noComments')}</p>
              ) : (
                section.organizations.map((group) => (
                  <div key={group.organization?.id ?? 'none'} className="report-org">
                    <h3>{group.organization?.name ?? '–'}</h3>
                    <ol className="report-comments">
                      {group.comments.map((comment) => (
                        <li key={comment.id} className="report-comment">
                          <p className="comment__tags">
                            <span className="tag tag--kind">{t(`comments.kind.${comment.kind}`)}</span> <StatusTag status={comment.status} />
                            {comment.author && <span className="muted"> {comment.author.name}</span>}
                          </p>
                          {comment.anchor && <blockquote className="comment__quote">{comment.passage ?? comment.anchor.exact}</blockquote>}
                          <div className="prose prose--small" dangerouslySetInnerHTML={{ __html: comment.html }} />
                          {comment.proposedText !== null && (
                            <p>
                              <strong>{t('comments.proposedText')}:</strong> {comment.proposedText}
                            </p>
                          )}
                          <div className="comment__response">
                            <p className="comment__response-title">{t('comments.responseTitle')}</p>
                            {comment.response ? (
                              <div className="prose prose--small" dangerouslySetInnerHTML={{ __html: comment.responseHtml }} />
                            ) : (
                              <p className="muted">{t('report.noResponse')}</p>
                            )}
                          </div>
                        </li>
                      ))}
                    </ol>
                  </div>
                ))
              )}
            </section>
          ))}
        </>
      )}
      {!report.fetching && snapshotId && report.data && !found && <p>{t('report.notAvailable')}</p>}
    </>
  );
}
