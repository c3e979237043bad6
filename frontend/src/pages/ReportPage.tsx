import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { StatusTag, statuses } from '../components/CommentThread';
import { DocumentHeader } from '../components/DocumentHeader';
import { ExportLinks } from '../components/ExportLinks';
import { QueryError } from '../components/errors';
import { CheckboxField } from '../components/choices';
import { SelectField } from '../components/forms';
import { Loading, TableHead, usePageTitle } from '../components/page';
import { DateTime } from '../datetime';
import { type FragmentType, graphql, getFragmentData } from '../gql';
import { snapshotName } from '../lib/snapshotName';
import { hasRole, useViewer } from '../viewer';
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
      consultation {
        id
        snapshot {
          id
        }
      }
      ...DocumentHeader
    }
  }
`);

const ReportQuery = graphql(`
  query ConsultationReport($documentId: ID!, $snapshotId: ID!, $consultationId: ID) {
    consultationReport(documentId: $documentId, snapshotId: $snapshotId, consultationId: $consultationId) {
      total
      exportBase
      responseCount
      draftAnswers
      snapshotConsultations {
        id
        number
        openedAt
        closedAt
      }
      consultation {
        id
        number
        state
        deadline
        openedAt
        closedAt
        letterHtml
      }
      parties {
        organization {
          id
          name
        }
        status
        respondedAt
        late
        noResponse
      }
      generalRemarks {
        organization {
          id
          name
        }
        remarksHtml
        respondedAt
        late
        hasAttachment
      }
      changes {
        sectionTitle
        comment {
          ...ReportComment
        }
      }
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
        entries {
          comment {
            ...ReportComment
          }
          replies {
            ...ReportComment
          }
        }
        questions {
          comment {
            ...ReportComment
          }
          replies {
            ...ReportComment
          }
        }
      }
    }
  }
`);

const ReportCommentFragment = graphql(`
  fragment ReportComment on Comment {
    id
    kind
    html
    proposedText
    status
    responseHtml
    response
    appliedVersion
    createdAt
    anchor {
      exact
    }
    passage
    organization {
      id
      name
    }
    author {
      id
      name
    }
  }
`);

type ReportComment = FragmentType<typeof ReportCommentFragment>;
type Entry = { comment: ReportComment; replies: readonly ReportComment[] };

/** The section's entries, which come ordered by organisation, as one group per organisation. */
function byOrganization<E extends Entry>(entries: readonly E[]): { id: string; name: string; entries: E[] }[] {
  const groups: { id: string; name: string; entries: E[] }[] = [];
  for (const entry of entries) {
    const organization = getFragmentData(ReportCommentFragment, entry.comment).organization;
    const id = organization?.id ?? '';
    const last = groups[groups.length - 1];
    if (last && last.id === id) last.entries.push(entry);
    else groups.push({ id, name: organization?.name ?? '–', entries: [entry] });
  }
  return groups;
}

export function ReportPage() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [params, setParams] = useSearchParams();
  const { document, gate } = useDocumentPage(ReportDocumentQuery);
  usePageTitle(t('report.title'));
  const [withNames, setWithNames] = useState(false);
  // The report belongs to a consultation: by default the document's (open, else newest) consultation's snapshot.
  const snapshotId = params.get('snapshot') ?? document?.consultation?.snapshot?.id ?? document?.snapshots[0]?.id ?? '';
  // A snapshot may have been consulted on more than once: the page names which consultation's report it shows.
  const consultationId = params.get('consultation');
  const [report] = useQuery({
    query: ReportQuery,
    variables: { documentId: document?.id ?? '', snapshotId, consultationId },
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
          {hasRole(viewer, 'SECRETARIAT') && (
            <CheckboxField hintId="report-names-hint" label={t('report.withNames')} hint={t('report.withNamesHint')} checked={withNames} onChange={setWithNames} />
          )}
          <ExportLinks base={found.exportBase} label={t('report.export')} withPdf query={withNames ? 'names=1' : undefined} />
          <p>
            {t('report.snapshotLine')} {snapshotName(t, found.snapshot)}, <DateTime value={found.snapshot.createdAt} />.{' '}
            {t('report.total', { count: found.total })}
          </p>
          {found.snapshotConsultations.length > 1 && (
            <nav aria-labelledby="report-consultations">
              <h2 id="report-consultations">{t('report.consultations')}</h2>
              <ul>
                {found.snapshotConsultations.map((held) => (
                  <li key={held.id}>
                    <Link
                      to={`?snapshot=${encodeURIComponent(snapshotId)}&consultation=${encodeURIComponent(held.id)}`}
                      aria-current={held.id === found.consultation?.id ? 'page' : undefined}
                    >
                      {t('report.consultation', { number: held.number })}
                    </Link>{' '}
                    (<DateTime value={held.openedAt} dateOnly />
                    {held.closedAt && (
                      <>
                        {' '}
                        – <DateTime value={held.closedAt} dateOnly />
                      </>
                    )}
                    )
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {found.draftAnswers && <p className="notice">{t('report.draftAnswers')}</p>}
          {found.consultation && (
            <section aria-labelledby="report-part-introduction" className="report-section">
              <h2 id="report-part-introduction">{t('report.introduction')}</h2>
              <p>
                {t('report.period')}: <DateTime value={found.consultation.openedAt} dateOnly /> – <DateTime value={found.consultation.deadline} />.{' '}
                {t('report.responses', { count: found.responseCount, total: found.parties.length })}{' '}
                {found.consultation.closedAt ? (
                  <>
                    {t('report.closed')} <DateTime value={found.consultation.closedAt} dateOnly />.
                  </>
                ) : (
                  t('report.stillOpen')
                )}
              </p>
              <h3>{t('report.parties')}</h3>
              <ul className="report-parties">
                {found.parties.map((party) => (
                  <li key={party.organization?.id ?? 'none'}>
                    <span className="report-label">{party.organization?.name ?? '–'}:</span> {t(`consultation.status.${party.noResponse ? 'NO_RESPONSE' : party.status}`)}
                    {party.respondedAt && (
                      <>
                        {' '}
                        <DateTime value={party.respondedAt} dateOnly />
                      </>
                    )}
                    {party.late && <> ({t('consultation.late')})</>}
                  </li>
                ))}
              </ul>
              {found.consultation.letterHtml && (
                <>
                  <h3>{t('report.letter')}</h3>
                  <blockquote className="prose prose--small" dangerouslySetInnerHTML={{ __html: found.consultation.letterHtml }} />
                </>
              )}
            </section>
          )}
          {found.generalRemarks.length > 0 && (
            <section aria-labelledby="report-part-general" className="report-section">
              <h2 id="report-part-general">{t('report.generalRemarks')}</h2>
              {found.generalRemarks.map((remarks) => (
                <div key={remarks.organization?.id ?? 'none'} className="report-org">
                  <h3>{remarks.organization?.name ?? '–'}</h3>
                  {remarks.remarksHtml && <blockquote className="prose prose--small report-text" dangerouslySetInnerHTML={{ __html: remarks.remarksHtml }} />}
                  {remarks.hasAttachment && <p>{t('report.attachment')}</p>}
                </div>
              ))}
            </section>
          )}
          {found.counts.length > 0 && (
            <table className="table">
              <caption className="table__caption">{t('report.countsTitle')}</caption>
              <TableHead columns={[t('report.organization'), t('report.totalColumn'), ...statuses.map((status) => t(`comments.status.${status}`))]} />
              <tbody>
                {found.counts.map((count) => (
                  <tr key={count.organization?.id ?? 'none'}>
                    <th scope="row" data-label={t('report.organization')}>
                      {count.organization?.shortName ?? '–'}
                    </th>
                    <td data-label={t('report.totalColumn')}>{count.total}</td>
                    {statuses.map((status) => (
                      <td key={status} data-label={t(`comments.status.${status}`)}>
                        {count.byStatus.find((entry) => entry.status === status)?.count ?? 0}
                      </td>
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
              {byOrganization(section.entries).map((group) => (
                <div key={group.id} className="report-org">
                  <h3>{group.name}</h3>
                  <ol className="report-comments">
                    {group.entries.map((entry) => (
                      <li key={getFragmentData(ReportCommentFragment, entry.comment).id} className="report-comment">
                        <ReportEntry comment={entry.comment} replies={entry.replies} withNames={withNames} />
                      </li>
                    ))}
                  </ol>
                </div>
              ))}
              {section.questions.length > 0 && (
                <div className="report-org">
                  <h3>{t('report.questions')}</h3>
                  <ul className="report-comments">
                    {section.questions.map((entry) => (
                      <li key={getFragmentData(ReportCommentFragment, entry.comment).id} className="report-comment">
                        <ReportEntry comment={entry.comment} replies={entry.replies} withNames={withNames} question />
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </section>
          ))}
          <section aria-labelledby="report-part-changes" className="report-section">
            <h2 id="report-part-changes">{t('report.changes')}</h2>
            {found.changes.length === 0 ? (
              <p>{t('report.noChanges')}</p>
            ) : (
              <ul>
                {found.changes.map((change) => (
                  <ReportChangeItem key={getFragmentData(ReportCommentFragment, change.comment).id} title={change.sectionTitle} comment={change.comment} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
      {!report.fetching && snapshotId && report.data && !found && <p>{t('report.notAvailable')}</p>}
    </>
  );
}

/** Who wrote an entry: its organisation, and the person only when the secretariat chose names. */
function Byline({ comment, withNames }: { comment: FragmentType<typeof ReportCommentFragment>; withNames: boolean }) {
  const c = getFragmentData(ReportCommentFragment, comment);
  return (
    <>
      {c.organization?.name ?? '–'}
      {withNames && c.author && <> ({c.author.name})</>}, <DateTime value={c.createdAt} />
    </>
  );
}

/** One thread of the report, every field labelled, worded as the downloads word it. */
function ReportEntry(props: { comment: ReportComment; replies: readonly ReportComment[]; withNames: boolean; question?: boolean }) {
  const { t } = useTranslation();
  const comment = getFragmentData(ReportCommentFragment, props.comment);
  return (
    <article className="report-entry">
      <h4 className="report-entry__byline">
        {props.question && <>{t('report.question')}: </>}
        <Byline comment={props.comment} withNames={props.withNames} />
      </h4>
      {!props.question && <span className="tag tag--kind">{t(`comments.kind.${comment.kind}`)}</span>}
      <p className="report-label">{t('report.passage')}</p>
      {comment.anchor ? <blockquote className="comment__quote">{comment.passage ?? comment.anchor.exact}</blockquote> : <p>{t('report.wholeSection')}</p>}
      <p className="report-label">{props.question ? t('report.questionText') : t('report.comment')}</p>
      <div className="prose prose--small report-text" dangerouslySetInnerHTML={{ __html: comment.html }} />
      {comment.proposedText !== null && (
        <>
          <p className="report-label">{t('report.proposal')}</p>
          <p className="comment__proposed">{comment.proposedText}</p>
        </>
      )}
      {props.replies.length > 0 && (
        <>
          <p className="report-label">{t('report.replies')}</p>
          <ul className="report-replies">
            {props.replies.map((reply) => (
              <ReportReply key={getFragmentData(ReportCommentFragment, reply).id} reply={reply} withNames={props.withNames} />
            ))}
          </ul>
        </>
      )}
      {!props.question && (
        <>
          <p>
            <span className="report-label">{t('report.disposition')}:</span> <StatusTag status={comment.status} />
            {comment.appliedVersion !== null && <> – {t('report.applied', { version: comment.appliedVersion })}</>}
          </p>
          <p className="report-label">{t('comments.responseTitle')}</p>
          {comment.response.trim() ? (
            <div className="prose prose--small comment__response" dangerouslySetInnerHTML={{ __html: comment.responseHtml }} />
          ) : (
            <p className="comment__response">{comment.status === 'OPEN' ? t('report.noResponse') : t('comments.noResponseText')}</p>
          )}
        </>
      )}
    </article>
  );
}

function ReportReply({ reply, withNames }: { reply: ReportComment; withNames: boolean }) {
  const c = getFragmentData(ReportCommentFragment, reply);
  return (
    <li>
      <p className="report-entry__byline">
        <Byline comment={reply} withNames={withNames} />:
      </p>
      <div className="prose prose--small report-text" dangerouslySetInnerHTML={{ __html: c.html }} />
    </li>
  );
}

function ReportChangeItem({ title, comment }: { title: string; comment: ReportComment }) {
  const { t } = useTranslation();
  const c = getFragmentData(ReportCommentFragment, comment);
  return (
    <li>
      <span className="report-label">{title}:</span> {c.organization?.name ?? '–'} – {t(`comments.status.${c.status}`)}
      {c.appliedVersion !== null && <> – {t('report.applied', { version: c.appliedVersion })}</>}
    </li>
  );
}
