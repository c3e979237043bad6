import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { CommentingClosed } from '../components/CommentingClosed';
import { CommentEntry, CommentThread, statuses } from '../components/CommentThread';
import { DocumentHeader } from '../components/DocumentHeader';
import { SelectField, StatusMessage } from '../components/forms';
import { SubmitPreview, hasSomethingToSend } from '../components/SubmitPreview';
import { Panel, usePageTitle } from '../components/page';
import { graphql } from '../gql';
import { useViewer } from '../viewer';
import { useDocumentPage } from './DocumentPage';

const CommentsQuery = graphql(`
  query DocumentComments($slug: String!) {
    document(slug: $slug) {
      id
      viewerCan {
        comment
        respond
      }
      settings {
        directSubmission
      }
      submissionPreview {
        count
        generalRemarks
        letter {
          id
        }
        canSubmit
        blocker
        sections {
          title
          section {
            id
          }
          comments {
            id
            ...CommentView
          }
        }
        ...SubmitPreview
      }
      participants {
        id
        shortName
        name
      }
      sections {
        id
        key
        title
        position
        comments {
          id
          status
          submitted
          organization {
            id
          }
          ...CommentThread
        }
      }
      ...Commenting
      ...DocumentHeader
    }
  }
`);

export function CommentsPage() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [params, setParams] = useSearchParams();
  const { document, refresh, gate } = useDocumentPage(CommentsQuery);
  const [done, setDone] = useState('');
  // A comment acted on stays in view (with its confirmation) until the filters change,
  // even if it no longer matches them (an answered comment is no longer "open").
  const [pinned, setPinned] = useState<ReadonlySet<string>>(new Set());
  usePageTitle(t('comments.title'));

  if (!document) return gate;

  const organization = params.get('organization') ?? '';
  const status = params.get('status') ?? '';
  const sectionFilter = params.get('section') ?? '';
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setPinned(new Set());
    setParams(next, { replace: true });
  };

  const sections = [...document.sections].sort((a, b) => a.position - b.position);
  // Each filter is a search parameter of the same name, empty for "all".
  const filters = [
    { name: 'organization', label: t('comments.filterOrganization'), options: document.participants.map((org) => ({ value: org.id, label: org.shortName })) },
    { name: 'status', label: t('comments.filterStatus'), options: statuses.map((value) => ({ value, label: t(`comments.status.${value}`) })) },
    { name: 'section', label: t('comments.filterSection'), options: sections.map((section) => ({ value: section.id, label: section.title })) },
  ];
  // The drafts as submitting would send them (colleagues' drafts and replies included), by section.
  const preview = document.submissionPreview;
  const draftCount = preview?.count ?? 0;
  const toSend = preview ? hasSomethingToSend(preview) : false;
  const ownOrg = viewer?.organization;
  const visible = sections
    .filter((section) => !sectionFilter || section.id === sectionFilter)
    .map((section) => ({
      section,
      comments: section.comments.filter(
        (comment) =>
          comment.submitted &&
          (pinned.has(comment.id) ||
            ((!organization || comment.organization?.id === organization) && (!status || comment.status === status))),
      ),
    }))
    .filter((group) => group.comments.length > 0);
  const total = visible.reduce((sum, group) => sum + group.comments.length, 0);

  return (
    <>
      <DocumentHeader document={document} heading={t('comments.title')} />
      <p className="lead">{t('comments.intro')}</p>
      <CommentingClosed document={document} />
      {(toSend || done) && (
        <Panel id="drafts-title" title={t('comments.draftsTitle', { organization: ownOrg?.shortName ?? '' })} className="panel panel--drafts">
          {done && <StatusMessage focus>{done}</StatusMessage>}
          {preview && toSend && (
            <>
              <p>{draftCount > 0 ? t('comments.draftsIntro', { count: draftCount }) : t('submitPreview.onlyRemarks')}</p>
              {preview.sections.map((group, index) => (
                <section key={group.section?.id ?? `deleted-${index}`} aria-labelledby={`draft-section-${index}`} className="draft-group">
                  <h3 id={`draft-section-${index}`}>{t('comments.draftSection', { title: group.title })}</h3>
                  <ol className="thread-list">
                    {group.comments.map((comment) => (
                      <li key={comment.id}>
                        <CommentEntry comment={comment} level={4} onChanged={refresh} />
                      </li>
                    ))}
                  </ol>
                </section>
              ))}
              {preview.canSubmit ? (
                <SubmitPreview
                  documentId={document.id}
                  organization={ownOrg?.name ?? ''}
                  preview={preview}
                  onSubmitted={(count) => {
                    setDone(t('comments.submitted', { count }));
                    refresh();
                  }}
                />
              ) : (
                <p className="notice notice--warning">{document.viewerCan.comment ? preview.blocker : t('comments.draftsStuck', { count: draftCount })}</p>
              )}
            </>
          )}
        </Panel>
      )}
      <section aria-labelledby="filters-title" className="filters">
        <h2 id="filters-title" className="visually-hidden">
          {t('comments.filters')}
        </h2>
        {filters.map((filter) => (
          <SelectField
            key={filter.name}
            id={`filter-${filter.name}`}
            label={filter.label}
            value={params.get(filter.name) ?? ''}
            onChange={(event) => setFilter(filter.name, event.target.value)}
            options={filter.options}
            blank={t('comments.all')}
          />
        ))}
      </section>
      <p role="status" className="muted">
        {t('comments.count', { count: total })}
      </p>
      {visible.map(({ section, comments }) => (
        <section key={section.id} aria-labelledby={`comments-${section.id}`} className="comment-group">
          <h2 id={`comments-${section.id}`}>{section.title}</h2>
          <ol className="thread-list">
            {comments.map((comment) => (
              <li key={comment.id}>
                <CommentThread
                  comment={comment}
                  canReply={document.viewerCan.comment}
                  onChanged={() => {
                    setPinned(new Set([...pinned, comment.id]));
                    refresh();
                  }}
                />
              </li>
            ))}
          </ol>
        </section>
      ))}
    </>
  );
}
