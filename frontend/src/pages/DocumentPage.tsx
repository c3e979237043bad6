import { type ReactNode, type RefObject, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useParams } from 'react-router';
import { type DocumentInput, type UseQueryExecute, useQuery } from 'urql';
import { CommentingClosed, CommentingOpen } from '../components/CommentingClosed';
import { ConsultationNotice } from '../components/ConsultationNotice';
import { DocumentHeader } from '../components/DocumentHeader';
import { QueryError } from '../components/errors';
import { InlineProblems, SubmitButton, useFormMutation } from '../components/forms';
import { Loading, usePageQuery, usePageTitle, useRefetchOn } from '../components/page';
import { PresenceLine } from '../components/Presence';
import { type Composing, ReaderSection, type ReaderSectionRef, type ReaderSuggestionRef } from '../components/ReaderSection';
import { sectionAnchor } from '../components/sectionAnchor';
import { TableOfContents } from '../components/TableOfContents';
import { TextField } from '../components/TextField';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { useDocumentEvents } from '../lib/live';
import { usePresence } from '../lib/presence';
import { type TextQuote, indexText, passageOf, selectorFor } from '../lib/textquote';
import { useViewer } from '../viewer';
import { NotFound } from './NotFoundPage';

/**
 * Sections read per request. The document comes with its outline (the table of contents) and the
 * text of its first sections; the next are read as the reader scrolls near the end of those shown.
 */
const PAGE = 10;

// Whether a section has open change proposals to show: its page then reads them (ReaderSuggestionsQuery).
const SectionProposalsFields = graphql(`
  fragment SectionProposals on Section {
    readerMarkers {
      passages {
        proposalCount
      }
    }
  }
`);

const DocumentReaderQuery = graphql(`
  query DocumentReader($slug: String!, $first: Int!) {
    document(slug: $slug) {
      id
      title
      summary
      viewerCan {
        edit
        comment
      }
      headings {
        id
        key
      }
      sections(first: $first) {
        id
        ...ReaderSection
        ...SectionProposals
      }
      consultation {
        ...ConsultationNotice
      }
      commenting {
        countsAsResponse
        snapshot {
          id
          number
        }
      }
      ...Commenting
      ...DocumentHeader
      ...TableOfContents
    }
  }
`);

const ReaderSectionsQuery = graphql(`
  query ReaderSections($slug: String!, $after: ID!, $first: Int!) {
    document(slug: $slug) {
      id
      sections(after: $after, first: $first) {
        id
        ...ReaderSection
        ...SectionProposals
      }
    }
  }
`);

// The open change proposals of a page of sections, read after the page (its text, markers and highlights
// do not wait for them): shown as suggestions under the blocks where their passages start.
const ReaderSuggestionsQuery = graphql(`
  query ReaderSuggestions($slug: String!, $after: ID, $first: Int!) {
    document(slug: $slug) {
      id
      sections(after: $after, first: $first) {
        id
        readerMarkers {
          openProposals {
            id
            ...ReaderSuggestion
          }
        }
      }
    }
  }
`);

/** What the user can do with a selected passage: remark on it, or propose a change to it. */
const selectionActions = [
  { kind: 'REMARK', className: 'button', label: 'document.commentSelection' },
  { kind: 'PROPOSAL', className: 'button button--secondary', label: 'document.proposeChange' },
] as const;

interface Selected {
  sectionId: string;
  quote: TextQuote;
  /** The quote as it reads (soft line breaks as spaces, list numbers kept), to show. */
  passage: string;
}

export function DocumentPage() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const { data, refresh: refetch, waiting } = usePageQuery({
    query: DocumentReaderQuery,
    variables: { slug, first: PAGE },
    // Shown from the cache at once, then brought up to date: changes made while the page was not
    // following the document's events (another page, a Word import) must not stay hidden.
    requestPolicy: 'cache-and-network',
  });
  const document = data?.document;
  usePageTitle(document?.title ?? (data ? t('document.notFoundTitle') : t('app.loading')));
  // How many sections, from the top, the reader has asked to see: grows by a page as the reader
  // scrolls near the end of those shown, or up to the section a link leads to.
  const [wanted, setWanted] = useState(PAGE);
  const want = useCallback((count: number) => setWanted((before) => Math.max(before, count)), []);
  // Grows whenever sections are shown or replaced, for what looks for them in the page.
  const [shownTimes, setShownTimes] = useState(0);
  const onShown = useCallback(() => setShownTimes((n) => n + 1), []);
  const outline = document?.headings ?? null;
  useScrollToHash(outline, shownTimes, want);
  const [composing, setComposing] = useState<Composing | null>(null);
  const selected = useSelectedPassage(Boolean(document?.viewerCan.comment));
  const viewer = useViewer();
  const [live, setLive] = useState('');
  // Grows with every change the reader learns of, so that open comment threads are fetched again.
  const [revision, setRevision] = useState(0);
  // Who else is here: the reader reports the section in view, and lists readers and editors.
  const inView = useSectionInView(shownTimes);
  const presence = usePresence(document?.id, 'READING', inView);
  // A colleague's change appears without a reload; the reader is told in a polite status line.
  useDocumentEvents(document?.id, (event) => {
    presence.refresh();
    if (event.actor?.id === viewer?.id) return;
    refetch();
    setRevision((n) => n + 1);
    if (event.kind === 'section.saved' || event.kind === 'section.restored') {
      const title = typeof (event.data as { title?: unknown } | null)?.title === 'string' ? (event.data as { title: string }).title : '';
      setLive(t('document.liveSaved', { name: event.actor?.name ?? '', title }));
    } else if (event.kind === 'comment.added' && (event.data as { draft?: unknown } | null)?.draft !== true) {
      setLive(t('document.liveComment', { name: event.actor?.name ?? '' }));
    }
  });

  if (waiting) return waiting;
  if (!document || !outline) return <DocumentNotFound />;

  const refresh = () => {
    refetch();
    setRevision((n) => n + 1);
  };
  // A consulted party reads and comments on the snapshot sent for consultation (issue 18).
  const consultedSnapshot = document.commenting.countsAsResponse ? (document.commenting.snapshot ?? null) : null;
  const sectionIds = new Set(outline.map((section) => section.id));
  const readers = presence.others.filter((person) => person.activity === 'READING');
  const editorsElsewhere = presence.others.filter(
    (person) => person.activity === 'EDITING' && !(person.sectionId && sectionIds.has(person.sectionId)),
  );
  const pages: Pages = {
    slug,
    total: outline.length,
    wanted,
    want,
    revision,
    onShown,
    render: (section, suggestions) => (
      <ReaderSection
        key={section.id}
        section={section}
        suggestions={suggestions}
        documentSlug={slug}
        canEdit={document.viewerCan.edit}
        canComment={document.viewerCan.comment}
        consultedSnapshot={consultedSnapshot}
        editors={presence.others.filter((person) => person.activity === 'EDITING' && person.sectionId === section.id)}
        composing={composing}
        onCompose={setComposing}
        onChanged={refresh}
        revision={revision}
      />
    ),
  };
  return (
    <>
      <DocumentHeader document={document} />
      {document.summary && <p className="lead">{document.summary}</p>}
      {document.consultation && <ConsultationNotice consultation={document.consultation} />}
      {document.viewerCan.comment && <p className="hint-box">{t('document.commentHint')}</p>}
      <CommentingOpen document={document} />
      <CommentingClosed document={document} />
      <p aria-live="polite" className={live ? 'live-note' : 'visually-hidden'}>
        {live}
      </p>
      <div className="presence-bar">
        <PresenceLine label={t('presence.reading')} people={readers} />
        <PresenceLine label={t('presence.editing')} people={editorsElsewhere} />
      </div>
      <div className="reader">
        <aside className="reader__toc" aria-label={t('document.contents')}>
          <TableOfContents document={document} />
        </aside>
        <div className="reader__body">
          {outline.length === 0 ? <p>{t('document.noSections')}</p> : <SectionsFrom {...pages} sections={document.sections} after={null} before={0} />}
          {document.viewerCan.edit && <AddSectionForm documentId={document.id} slug={slug} />}
        </div>
      </div>
      {selected && !composing && (
        <div className="selection-bar" role="region" aria-label={t('document.selectionLabel')}>
          <p className="selection-bar__quote">
            {t('document.selected')} <q>{truncate(selected.passage, 80)}</q>
          </p>
          {selectionActions.map((action) => (
            <button
              key={action.kind}
              type="button"
              className={action.className}
              // Pressing the button must not clear the text selection it acts on.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => setComposing({ ...selected, kind: action.kind })}
            >
              {t(action.label)}
            </button>
          ))}
        </div>
      )}
    </>
  );
}

type LoadedSection = ReaderSectionRef & FragmentType<typeof SectionProposalsFields> & { id: string };

/** What every page of sections shares: the document, how many sections it has and are wanted, how each is shown. */
interface Pages {
  slug: string;
  /** The sections in the outline. */
  total: number;
  wanted: number;
  want: (count: number) => void;
  revision: number;
  /** Called when a page's sections are shown or replaced. */
  onShown: () => void;
  render: (section: LoadedSection, suggestions: readonly ReaderSuggestionRef[]) => ReactNode;
}

/**
 * A page of sections and what follows it: the next page once more are wanted (each page is read
 * after the last section of the one before, so pages never overlap), else a way to want more.
 */
function SectionsFrom({
  sections,
  after,
  before,
  ...pages
}: Pages & { sections: readonly LoadedSection[]; after: string | null; before: number }) {
  const { onShown, want } = pages;
  const count = before + sections.length;
  const last = sections.at(-1);
  useEffect(() => onShown(), [sections, onShown]);
  const more = useCallback(() => want(count + PAGE), [want, count]);
  const suggestions = usePageSuggestions(pages, sections, after);
  return (
    <>
      {sections.map((section) => pages.render(section, suggestions.get(section.id) ?? []))}
      {last &&
        count < pages.total &&
        (count < pages.wanted ? (
          <SectionsAfter {...pages} after={last.id} before={count} />
        ) : (
          <MoreSections remaining={pages.total - count} onMore={more} />
        ))}
    </>
  );
}

/** The open change proposals of a page of sections (the one after `after`), by section, once read. */
function usePageSuggestions(pages: Pages, sections: readonly LoadedSection[], after: string | null) {
  const proposing = sections.some((section) =>
    getFragmentData(SectionProposalsFields, section).readerMarkers.passages.some((passage) => passage.proposalCount > 0),
  );
  const [{ data }, reexecute] = useQuery({
    query: ReaderSuggestionsQuery,
    variables: { slug: pages.slug, after, first: PAGE },
    requestPolicy: 'cache-and-network',
    pause: !proposing,
  });
  // A page without proposals reads none; once its sections have some, the query runs as it is no longer paused.
  const refetch = useCallback<UseQueryExecute>((options) => proposing && reexecute(options), [proposing, reexecute]);
  useRefetchOn(pages.revision, refetch);
  return useMemo(
    () => new Map((proposing ? (data?.document?.sections ?? []) : []).map((section) => [section.id, section.readerMarkers.openProposals])),
    [data, proposing],
  );
}

/** The page of sections after the section `after`, read when it is first wanted and again after each change. */
function SectionsAfter({ after, before, ...pages }: Pages & { after: string; before: number }) {
  const [{ data, error }, reexecute] = useQuery({
    query: ReaderSectionsQuery,
    variables: { slug: pages.slug, after, first: PAGE },
    requestPolicy: 'cache-and-network',
  });
  useRefetchOn(pages.revision, reexecute);
  const sections = data?.document?.sections;
  if (error && !sections) return <QueryError error={error} retry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!sections) return <Loading />;
  return <SectionsFrom {...pages} sections={sections} after={after} before={before} />;
}

/** Where the shown sections end: more are read as it comes near the window, or when its button is pressed. */
function MoreSections({ remaining, onMore }: { remaining: number; onMore: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && onMore(), {
      rootMargin: '0px 0px 800px 0px',
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [onMore]);
  return (
    <div className="reader__more" ref={ref}>
      <button type="button" className="button button--secondary" onClick={onMore}>
        {t('document.moreSections', { count: remaining })}
      </button>
    </div>
  );
}

/**
 * A page about one document (/documents/:slug/…): its query by the path's slug, the document,
 * and `gate`, what the page shows instead while it loads or fails, or when there is no such
 * document (or it is not shared with the viewer): `if (!document) return gate;`.
 */
export function useDocumentPage<Data extends { document: unknown }>(query: DocumentInput<Data, { slug: string }>) {
  const { slug = '' } = useParams();
  const { data, refresh, waiting } = usePageQuery({ query, variables: { slug } });
  const document = (data?.document ?? null) as NonNullable<Data['document']> | null;
  const gate = waiting ?? (document ? null : <DocumentNotFound />);
  return { slug, data, document, refresh, gate };
}

export function DocumentNotFound() {
  const { t } = useTranslation();
  return <NotFound title={t('document.notFoundTitle')} body={t('document.notFound')} home={t('document.allDocuments')} />;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/**
 * The passage the user has selected inside one section's text, as a selector the server will
 * accept; null while nothing (or something outside a single section) is selected.
 */
function useSelectedPassage(enabled: boolean): Selected | null {
  const [selected, setSelected] = useState<Selected | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let timer = 0;
    const update = () => {
      const selection = window.getSelection();
      if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
        // Keep the last selection while focus moves to the bar's buttons.
        if (!(window.document.activeElement instanceof HTMLElement && window.document.activeElement.closest('.selection-bar'))) {
          setSelected(null);
        }
        return;
      }
      const range = selection.getRangeAt(0);
      const startProse = elementOf(range.startContainer)?.closest('[data-prose]');
      const endProse = elementOf(range.endContainer)?.closest('[data-prose]');
      const sectionId = startProse?.closest('[data-section-id]')?.getAttribute('data-section-id');
      if (!startProse || startProse !== endProse || !sectionId) return setSelected(null);
      const index = indexText(startProse);
      const start = index.offsetOf(range.startContainer, range.startOffset);
      const end = index.offsetOf(range.endContainer, range.endOffset);
      const quote = start !== null && end !== null ? selectorFor(index.text, start, end) : null;
      setSelected(quote ? { sectionId, quote, passage: passageOf(index, quote) } : null);
    };
    const onChange = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 150);
    };
    window.document.addEventListener('selectionchange', onChange);
    return () => {
      window.clearTimeout(timer);
      window.document.removeEventListener('selectionchange', onChange);
    };
  }, [enabled]);
  return selected;
}

function elementOf(node: Node): Element | null {
  return node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
}

const AddSectionMutation = graphql(`
  mutation AddSection($input: AddSectionInput!) {
    addSection(input: $input) {
      __typename
      ... on SectionAdded {
        section {
          id
        }
      }
      ...UserError
    }
  }
`);

function AddSectionForm({ documentId, slug }: { documentId: string; slug: string }) {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const addSection = useFormMutation(AddSectionMutation, 'addSection', 'SectionAdded', { fieldIds: { title: `${id}-title` } });
  const { problems } = addSection;

  async function handleSubmit() {
    const added = await addSection.run({ input: { documentId, title, body: '' } });
    if (added) await navigate(`/documents/${encodeURIComponent(slug)}/sections/${encodeURIComponent(added.section.id)}/edit`);
  }

  return (
    <form className="add-section" onSubmit={addSection.onSubmit(handleSubmit)} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="add-section__title">
        {t('document.addSection')}
      </h2>
      <InlineProblems problems={problems} />
      <TextField {...addSection.field('title', [title, setTitle])} label={t('document.newSectionTitle')} />
      <SubmitButton busy={addSection.fetching} className="button button--secondary">
        {t('document.addSectionSubmit')}
      </SubmitButton>
    </form>
  );
}

/**
 * The section the reader is looking at (the topmost one showing in the window), for the
 * presence heartbeat. Kept in a ref: scrolling must not re-render the page. Looked for again
 * whenever sections are shown (`shownTimes` grows).
 */
function useSectionInView(shownTimes: number): RefObject<string | null> {
  const current = useRef<string | null>(null);
  useEffect(() => {
    if (shownTimes === 0 || typeof IntersectionObserver === 'undefined') return;
    const showing = new Map<Element, string>();
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const id = entry.target.getAttribute('data-section-id');
        if (entry.isIntersecting && id) showing.set(entry.target, id);
        else showing.delete(entry.target);
      }
      let top: { y: number; id: string } | null = null;
      for (const [element, id] of showing) {
        const y = element.getBoundingClientRect().top;
        if (!top || y < top.y) top = { y, id };
      }
      current.current = top?.id ?? null;
    });
    for (const element of window.document.querySelectorAll('[data-section-id]')) observer.observe(element);
    return () => observer.disconnect();
  }, [shownTimes]);
  return current;
}

/**
 * A link such as /documents/x#section-y lands on the section: at once when it is shown, else once
 * the sections up to it have been read (a table-of-contents link to a section further down, too).
 */
function useScrollToHash(outline: readonly { id: string; key: string }[] | null, shownTimes: number, want: (count: number) => void): void {
  const { hash } = useLocation();
  const landed = useRef<string | null>(null);
  useEffect(() => {
    if (!outline || !hash || landed.current === hash) return;
    const id = decodeURIComponent(hash.slice(1));
    const element = window.document.getElementById(id);
    if (element) {
      landed.current = hash;
      element.scrollIntoView();
      return;
    }
    const index = outline.findIndex((section) => sectionAnchor(section.key) === id);
    if (index >= 0) want(index + 1);
  }, [outline, hash, shownTimes, want]);
}
