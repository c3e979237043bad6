import { type FormEvent, useId, useMemo, useRef, useState, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { DiffText } from '../components/DiffText';
import { DocumentHeader } from '../components/DocumentHeader';
import { ErrorSummary, QueryError } from '../components/errors';
import { FieldShell, type Problems, StatusMessage, noProblems, useFormMutation } from '../components/forms';
import { Loading, usePageTitle } from '../components/page';
import { PresenceLine } from '../components/Presence';
import { TextField } from '../components/TextField';
import { graphql } from '../gql';
import { useDocumentEvents } from '../lib/live';
import { renderPreview } from '../lib/markdown';
import { usePresence } from '../lib/presence';
import { useViewer } from '../viewer';
import { wordDiff } from '../lib/worddiff';
import { formatDateTime } from '../datetime';
import { DocumentNotFound } from './DocumentPage';
import { editorCanHold } from '../editor/markdown';
import { RichTextEditor } from '../editor/RichTextEditor';

const SectionEditorQuery = graphql(`
  query SectionEditor($slug: String!, $id: ID!) {
    document(slug: $slug) {
      id
      viewerCan {
        edit
      }
      sections {
        id
      }
      ...DocumentHeader
    }
    node(id: $id) {
      __typename
      ... on Section {
        id
        title
        version
        body
        position
        deleted
      }
    }
  }
`);

export function SectionEditPage() {
  const { t } = useTranslation();
  const { slug = '', sectionId = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: SectionEditorQuery, variables: { slug, id: sectionId } });
  const document = data?.document;
  const section = data?.node?.__typename === 'Section' ? data.node : null;
  usePageTitle(section ? t('editor.pageTitle', { title: section.title }) : t('app.loading'));

  if (error && !data) return <QueryError error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!document || !section) return <DocumentNotFound />;
  if (!document.viewerCan.edit) {
    return (
      <>
        <DocumentHeader document={document} heading={t('editor.heading', { title: section.title })} />
        <p className="notice">{t('editor.notAllowed')}</p>
      </>
    );
  }
  return (
    <>
      <DocumentHeader document={document} heading={t('editor.heading', { title: section.title })} />
      <Editor
        key={section.id}
        slug={slug}
        section={section}
        documentId={document.id}
        sectionCount={document.sections.length}
        reload={() => refetch({ requestPolicy: 'network-only' })}
      />
    </>
  );
}

interface EditableSection {
  id: string;
  title: string;
  version: number;
  body: string;
  position: number;
  deleted: boolean;
}

interface Conflict {
  message: string;
  base: string;
  current: string;
  yours: string;
  baseVersion: number;
  currentVersion: number;
  /** Who saved the current version, and when (null when the version has no author, e.g. an import). */
  author: string | null;
  organization: string | null;
  savedAt: string | null;
}

const SaveSectionMutation = graphql(`
  mutation SaveSection($input: SaveSectionInput!) {
    saveSection(input: $input) {
      __typename
      ... on SectionSaved {
        merged
        mergedFromColleague
        changed
        version {
          number
        }
        section {
          id
          title
          version
          body
          html
          updatedAt
        }
      }
      ... on VersionConflict {
        message
        base
        current
        yours
        baseVersion
        currentVersion
        currentSavedAt
        currentAuthor {
          id
          name
        }
        currentOrganization {
          id
          shortName
        }
      }
      ...UserError
    }
  }
`);

const MoveSectionMutation = graphql(`
  mutation MoveSection($input: MoveSectionInput!) {
    moveSection(input: $input) {
      __typename
      ... on SectionMoved {
        section {
          id
          position
        }
      }
      ...UserError
    }
  }
`);

const DeleteSectionMutation = graphql(`
  mutation DeleteSection($input: DeleteSectionInput!) {
    deleteSection(input: $input) {
      __typename
      ... on SectionDeleted {
        section {
          id
          deleted
        }
      }
      ...UserError
    }
  }
`);

function Editor({
  slug,
  documentId,
  section,
  sectionCount,
  reload,
}: {
  slug: string;
  documentId: string;
  section: EditableSection;
  sectionCount: number;
  reload: () => void;
}) {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [colleague, setColleague] = useState('');
  // Say that this section is being edited, and show who else edits it now.
  const here = useRef(section.id);
  const presence = usePresence(documentId, 'EDITING', here);
  const alsoEditing = presence.others.filter((person) => person.activity === 'EDITING' && person.sectionId === section.id);
  // Tell the editor at once when a colleague saves this section: the next save will merge.
  useDocumentEvents(documentId, (event) => {
    presence.refresh();
    if (event.entityId !== section.id || event.actor?.id === viewer?.id) return;
    if (event.kind !== 'section.saved' && event.kind !== 'section.restored') return;
    const version = (event.data as { version?: unknown } | null)?.version;
    setColleague(t('editor.colleagueSaved', { name: event.actor?.name ?? '', version: typeof version === 'number' ? version : '' }));
  });
  const navigate = useNavigate();
  const [title, setTitle] = useState(section.title);
  const [body, setBody] = useState(section.body);
  const [summary, setSummary] = useState('');
  // The version this edit started from: what the server merges against. It moves only on save.
  const [baseVersion, setBaseVersion] = useState(section.version);
  const [problems, setProblems] = useState<Problems>(noProblems);
  const [saved, setSaved] = useState<{ message: string; merged: boolean; fromColleague?: readonly string[] } | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const fieldIds = { title: 'section-title', body: 'section-body', summary: 'section-summary' };
  // A VersionConflict is an answer, not a problem to show: it opens the conflict screen.
  const save = useFormMutation(SaveSectionMutation, 'saveSection', ['SectionSaved', 'VersionConflict'], {
    fieldIds,
    problems: [problems, setProblems],
  });
  const saving = save.fetching;
  const move = useFormMutation(MoveSectionMutation, 'moveSection', 'SectionMoved', { problems: [problems, setProblems] });
  const remove = useFormMutation(DeleteSectionMutation, 'deleteSection', 'SectionDeleted', { problems: [problems, setProblems] });
  // The rich-text editor unless the text holds something it cannot show; then the source, and why.
  const [source, setSource] = useState(() => !editorCanHold(section.body));
  const [cannotHold, setCannotHold] = useState(source);
  const preview = useMemo(() => (source ? renderPreview(body) : ''), [body, source]);
  const docPath = `/documents/${encodeURIComponent(slug)}`;

  async function submit(from: number, text: string) {
    if (saving) return;
    setSaved(null);
    if (!title.trim()) return save.refuse({ title: t('editor.titleRequired') });
    const outcome = await save.run({ input: { sectionId: section.id, baseVersion: from, title, body: text, summary } });
    if (outcome?.__typename === 'SectionSaved') {
      setConflict(null);
      setBaseVersion(outcome.section.version);
      setBody(outcome.section.body);
      if (!source && !editorCanHold(outcome.section.body)) {
        setSource(true);
        setCannotHold(true);
      }
      setTitle(outcome.section.title);
      setSummary('');
      setColleague('');
      setSaved({
        merged: outcome.merged,
        fromColleague: outcome.mergedFromColleague,
        message: !outcome.changed
          ? t('editor.unchanged')
          : outcome.merged
            ? t('editor.savedMerged', { version: outcome.version.number })
            : t('editor.saved', { version: outcome.version.number }),
      });
    } else if (outcome?.__typename === 'VersionConflict') {
      setConflict({
        message: outcome.message,
        base: outcome.base,
        current: outcome.current,
        yours: outcome.yours,
        baseVersion: outcome.baseVersion,
        currentVersion: outcome.currentVersion,
        author: outcome.currentAuthor?.name ?? null,
        organization: outcome.currentOrganization?.shortName ?? null,
        savedAt: outcome.currentSavedAt ?? null,
      });
    }
  }

  async function handleMove(position: number) {
    const moved = await move.run({ input: { sectionId: section.id, position } });
    if (!moved) return;
    setSaved({ merged: false, message: t('editor.moved', { position: moved.section.position + 1 }) });
    reload();
  }

  async function handleDelete() {
    if (!window.confirm(t('editor.deleteConfirm'))) return;
    if (await remove.run({ input: { sectionId: section.id } })) await navigate(docPath);
  }

  if (conflict) {
    return (
      <ConflictResolver
        conflict={conflict}
        saving={saving}
        problems={problems}
        onSave={(text) => {
          setBody(text);
          void submit(conflict.currentVersion, text);
        }}
        onDiscard={() => {
          setConflict(null);
          setBody(conflict.current);
          setBaseVersion(conflict.currentVersion);
          reload();
        }}
      />
    );
  }

  return (
    <>
      <ErrorSummary errors={problems.summary} />
      {saved && (
        <StatusMessage focus>
          <p className={saved.merged ? 'notice__title' : undefined}>{saved.message}</p>
          {saved.merged && <p>{t('editor.mergedExplain')}</p>}
          {saved.merged && saved.fromColleague && saved.fromColleague.length > 0 && (
            <>
              <p>{t('editor.mergedFromColleague')}</p>
              <ul>
                {saved.fromColleague.map((opening) => (
                  <li key={opening}>»{opening}«</li>
                ))}
              </ul>
            </>
          )}
          <p>
            <Link to={docPath}>{t('editor.backToDocument')}</Link>
          </p>
        </StatusMessage>
      )}
      <p className="section__meta">{t('editor.editingFrom', { version: baseVersion })}</p>
      <p aria-live="polite" className={colleague ? 'live-note' : 'visually-hidden'}>
        {colleague}
      </p>
      <PresenceLine label={t('presence.alsoEditing')} people={alsoEditing} className="presence--notice" />
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void submit(baseVersion, body);
        }}
        noValidate
      >
        <TextField {...save.field('title', [title, setTitle])} label={t('editor.title')} />
        <div className="editor-mode">
          <button
            type="button"
            className="button button--secondary"
            aria-pressed={source}
            onClick={() => {
              if (source && !editorCanHold(body)) return setCannotHold(true);
              setCannotHold(false);
              setSource(!source);
            }}
          >
            {t('editor.showSource')}
          </button>
        </div>
        {cannotHold && <p className="notice notice--warning">{t('editor.cannotHold')}</p>}
        {source ? (
          <div className="editor">
            <FieldShell id={fieldIds.body} label={t('editor.body')} hint={t('editor.bodyHint')} error={problems.fields.body} className="editor__source">
              {(control) => (
                <textarea
                  className="input textarea textarea--source"
                  rows={22}
                  value={body}
                  onChange={(event) => setBody(event.target.value)}
                  spellCheck
                  {...control}
                />
              )}
            </FieldShell>
            <section className="editor__preview" aria-labelledby="preview-title">
              <h2 id="preview-title" className="field__label">
                {t('editor.preview')}
              </h2>
              <div className="prose preview" dangerouslySetInnerHTML={{ __html: preview }} />
            </section>
          </div>
        ) : (
          <div className={['field', problems.fields.body ? 'field--error' : ''].filter(Boolean).join(' ')}>
            <p className="field__label" id={`${fieldIds.body}-label`} onClick={() => document.getElementById(fieldIds.body)?.focus()}>
              {t('editor.richBody')}
            </p>
            <p className="field__hint" id={`${fieldIds.body}-hint`}>
              {t('editor.richHint')}
            </p>
            {problems.fields.body && (
              <p className="field__error" id={`${fieldIds.body}-error`}>
                {problems.fields.body}
              </p>
            )}
            <RichTextEditor
              id={fieldIds.body}
              value={body}
              onChange={setBody}
              labelId={`${fieldIds.body}-label`}
              describedBy={[`${fieldIds.body}-hint`, problems.fields.body ? `${fieldIds.body}-error` : ''].filter(Boolean).join(' ')}
              invalid={Boolean(problems.fields.body)}
            />
          </div>
        )}
        <TextField {...save.field('summary', [summary, setSummary])} label={t('editor.summary')} hint={t('editor.summaryHint')} />
        <div className="button-row">
          <button type="submit" className="button" aria-disabled={saving || undefined}>
            {saving ? t('editor.saving') : t('editor.save')}
          </button>
          <Link to={docPath} className="button button--secondary">
            {t('editor.close')}
          </Link>
        </div>
      </form>
      <section className="section-actions" aria-labelledby="section-actions-title">
        <h2 id="section-actions-title">{t('editor.actions')}</h2>
        <div className="button-row">
          <button type="button" className="button button--secondary" disabled={section.position === 0} onClick={() => void handleMove(section.position - 1)}>
            {t('editor.moveUp')}
          </button>
          <button
            type="button"
            className="button button--secondary"
            disabled={section.position >= sectionCount - 1}
            onClick={() => void handleMove(section.position + 1)}
          >
            {t('editor.moveDown')}
          </button>
          <Link to={`${docPath}/sections/${encodeURIComponent(section.id)}/history`} className="button button--secondary">
            {t('editor.history')}
          </Link>
          <button type="button" className="button button--danger" onClick={() => void handleDelete()}>
            {t('editor.delete')}
          </button>
        </div>
      </section>
    </>
  );
}

function ConflictResolver(props: {
  conflict: Conflict;
  saving: boolean;
  problems: Problems;
  onSave: (text: string) => void;
  onDiscard: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { conflict } = props;
  const id = useId();
  const [resolved, setResolved] = useState(conflict.yours);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const theirs = useMemo(() => wordDiff(conflict.base, conflict.current), [conflict]);
  const mine = useMemo(() => wordDiff(conflict.base, conflict.yours), [conflict]);
  // "Karen Kommune (KL)", and "4. december 2026 kl. 14.05" in Copenhagen time.
  const who = conflict.organization ? `${conflict.author} (${conflict.organization})` : (conflict.author ?? '');
  const when = conflict.savedAt ? formatDateTime(conflict.savedAt, i18n.resolvedLanguage === 'en' ? 'en' : 'da') : '';
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <div className="conflict">
      <div className="notice notice--warning" role="alert">
        <h2 ref={headingRef} tabIndex={-1}>
          {t('conflict.title')}
        </h2>
        <p>{conflict.message}</p>
        <p>
          {conflict.author
            ? t('conflict.explainNamed', { base: conflict.baseVersion, current: conflict.currentVersion, who, when })
            : t('conflict.explain', { base: conflict.baseVersion, current: conflict.currentVersion })}
        </p>
      </div>
      <ErrorSummary errors={props.problems.summary} />
      <div className="conflict__columns">
        <section aria-labelledby={`${id}-base`} className="conflict__column">
          <h3 id={`${id}-base`}>{t('conflict.base', { version: conflict.baseVersion })}</h3>
          <div className="diff diff--text">{conflict.base}</div>
        </section>
        <section aria-labelledby={`${id}-theirs`} className="conflict__column">
          <h3 id={`${id}-theirs`}>
            {conflict.author ? t('conflict.theirsNamed', { who, version: conflict.currentVersion }) : t('conflict.theirs', { version: conflict.currentVersion })}
          </h3>
          <p className="field__hint">{t('conflict.diffHint')}</p>
          <DiffText parts={theirs} />
        </section>
        <section aria-labelledby={`${id}-yours`} className="conflict__column">
          <h3 id={`${id}-yours`}>{t('conflict.yours')}</h3>
          <p className="field__hint">{t('conflict.diffHint')}</p>
          <DiffText parts={mine} />
        </section>
      </div>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!props.saving) props.onSave(resolved);
        }}
        noValidate
      >
        <FieldShell id="resolved-body" label={t('conflict.resolved')} hint={t('conflict.resolvedHint', { version: conflict.currentVersion })}>
          {(control) => (
            <textarea className="input textarea textarea--source" rows={14} value={resolved} onChange={(event) => setResolved(event.target.value)} {...control} />
          )}
        </FieldShell>
        <div className="button-row">
          <button type="button" className="button button--secondary" onClick={() => setResolved(conflict.current)}>
            {t('conflict.useTheirs')}
          </button>
          <button type="button" className="button button--secondary" onClick={() => setResolved(conflict.yours)}>
            {t('conflict.useMine')}
          </button>
        </div>
        <div className="button-row">
          <button type="submit" className="button" aria-disabled={props.saving || undefined}>
            {t('conflict.save')}
          </button>
          <button type="button" className="button button--secondary" onClick={props.onDiscard}>
            {t('conflict.discard')}
          </button>
        </div>
      </form>
    </div>
  );
}
