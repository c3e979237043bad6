import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DateTime } from '../datetime';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { type TextQuote, UI_ATTRIBUTE, indexText, passageOf, selectorFor } from '../lib/textquote';
import { CommentComposer, type CommentKindChoice } from './CommentComposer';
import { StatusMessage } from './forms';
import type { PresentPerson } from '../lib/presence';
import { PresenceLine } from './Presence';
import { OutdatedPassages } from './OutdatedPassages';
import { SectionThreads } from './SectionThreads';
import { Suggestions } from './Suggestions';
import { sectionAnchor } from './sectionAnchor';

export const ReaderSectionFields = graphql(`
  fragment ReaderSection on Section {
    id
    key
    title
    version
    html
    updatedAt
    deleted
    updatedBy {
      id
      name
    }
    consultedVersion {
      number
      title
      html
    }
    readerMarkers {
      count
      passages {
        start
        end
        count
        proposalCount
        firstId
      }
      outdated {
        id
        passage
        anchor {
          exact
        }
      }
    }
  }
`);

/** An open change proposal on a section, as the reader shows it under the block where its passage starts. */
export const ReaderSuggestionFields = graphql(`
  fragment ReaderSuggestion on CommentMarker {
    id
    anchorLocation {
      start
    }
    consultedLocation {
      start
    }
    ...Suggestion
  }
`);

export type ReaderSuggestionRef = FragmentType<typeof ReaderSuggestionFields>;

export type ReaderSectionRef = FragmentType<typeof ReaderSectionFields>;

export interface Composing {
  sectionId: string;
  quote: TextQuote | null;
  /** The quote as it reads (TextIndex.asRead), to show; the quote itself is what is sent. */
  passage?: string;
  kind: CommentKindChoice;
}

interface Props {
  section: ReaderSectionRef;
  /**
   * The section's open change proposals, read for its page of sections after the page itself (the
   * text, markers and highlights do not wait for them); empty until then.
   */
  suggestions: readonly ReaderSuggestionRef[];
  documentSlug: string;
  canEdit: boolean;
  canComment: boolean;
  /**
   * The snapshot the viewer comments on as a consulted party in the open consultation: the reader
   * then shows and comments on each section as it was sent (`consultedVersion`), not its newest text.
   */
  consultedSnapshot: { number: number } | null;
  /** Others editing this section right now. */
  editors: readonly PresentPerson[];
  composing: Composing | null;
  onCompose: (composing: Composing | null) => void;
  onChanged: () => void;
  /** Grows whenever the reader learns that the document changed (its threads are then fetched again). */
  revision: number;
}

/** What a block of the text shows of the comments on its passages. */
interface BlockMarks {
  /** The comments marking passages that start in the block. */
  count: number;
  /** The comment its marker opens the comments at. */
  first: string;
}

/** Where the blocks of the text shown are (offsets into its plain text), and their markers. */
interface Layout {
  marks: Map<number, BlockMarks>;
  spans: readonly ({ start: number; end: number } | null)[];
  /** Where passages with open change proposals start. */
  proposed: ReadonlySet<number>;
}

/** The block of the text in which a passage starting at an offset starts (-1: none). */
function blockOf(spans: Layout['spans']): (start: number) => number {
  return (start) => spans.findIndex((span) => span !== null && start >= span.start && start < Math.max(span.end, span.start + 1));
}

/** The server's HTML split into its top-level blocks, so each can carry markers and a button. */
function blocksOf(html: string): { html: string; start: string }[] {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  return Array.from(parsed.body.children).map((element) => ({ html: element.outerHTML, start: textStart(element) }));
}

const highlight = typeof CSS !== 'undefined' && 'highlights' in CSS ? new Highlight() : null;
if (highlight) CSS.highlights.set('udkast-comment', highlight);
// The words an open change proposal would replace, struck through in the text (its suggestion
// under the block says what would come instead; the highlight is not read out, the suggestion is).
const proposalHighlight = typeof CSS !== 'undefined' && 'highlights' in CSS ? new Highlight() : null;
if (proposalHighlight) CSS.highlights.set('udkast-proposal', proposalHighlight);

/** One section in the reader: its text, comment markers beside anchored passages, its threads. */
export function ReaderSection(props: Props) {
  const { t } = useTranslation();
  const section = getFragmentData(ReaderSectionFields, props.section);
  const anchor = sectionAnchor(section.key);
  const proseRef = useRef<HTMLDivElement>(null);
  // A consulted party reads and comments on the text sent for consultation, even when the steering
  // group has edited the section since; a section added since then is not part of the consultation.
  const consulted = props.consultedSnapshot ? (section.consultedVersion ?? null) : null;
  const shown = consulted ? { title: consulted.title, html: consulted.html, version: consulted.number } : section;
  // Only a consulted party is given a section deleted since it was sent: it stays part of the consultation.
  const deletedSince = consulted !== null && section.deleted;
  const editedSince = consulted !== null && !deletedSince && consulted.number !== section.version;
  const notConsulted = props.consultedSnapshot !== null && consulted === null;
  const canComment = props.canComment && !notConsulted;
  const blocks = useMemo(() => blocksOf(shown.html), [shown.html]);
  const [layout, setLayout] = useState<Layout>({ marks: new Map(), spans: [], proposed: new Set() });
  const [commentsOpen, setCommentsOpen] = useState(false);
  const [focusCommentId, setFocusCommentId] = useState<string | null>(null);
  const focused = useCallback(() => setFocusCommentId(null), []);
  const [notice, setNotice] = useState('');
  const composing = props.composing?.sectionId === section.id ? props.composing : null;
  const sectionPath = `/documents/${encodeURIComponent(props.documentSlug)}/sections/${encodeURIComponent(section.id)}`;
  const [composingBefore, setComposingBefore] = useState(composing);
  if (composing !== composingBefore) {
    // A new comment starts: the confirmation of the previous one has done its job.
    setComposingBefore(composing);
    if (composing) setNotice('');
  }

  // Where the anchored comments sit: which block gets a passage's marker, and a highlight of the passage.
  // The server places them in the text shown (the version sent for consultation, or the current one) and
  // says per passage how many comments mark it, which of them are open proposals, and the first of them.
  const markers = section.readerMarkers;
  useLayoutEffect(() => {
    const prose = proseRef.current;
    if (!prose) return;
    const index = indexText(prose);
    const blockElements = Array.from(prose.querySelectorAll(':scope > .block > .block__content'));
    const spans = blockElements.map((element) => index.spanOf(element));
    const blockAt = blockOf(spans);
    const marks = new Map<number, BlockMarks>();
    const ranges: Range[] = [];
    const proposed: Range[] = [];
    for (const passage of markers.passages) {
      const block = blockAt(passage.start);
      const here = marks.get(block);
      // The block's marker opens the comments at the first comment of its first passage.
      if (block >= 0) marks.set(block, { count: (here?.count ?? 0) + passage.count, first: here?.first ?? passage.firstId });
      const range = index.rangeOf(passage.start, passage.end);
      if (!range) continue;
      // A passage that an open proposal and a remark both mark gets both highlights.
      if (passage.proposalCount > 0) proposed.push(range);
      if (passage.count > passage.proposalCount) ranges.push(range);
    }
    setLayout({ marks, spans, proposed: new Set(markers.passages.filter((p) => p.proposalCount > 0).map((p) => p.start)) });
    if (highlight) for (const range of ranges) highlight.add(range);
    if (proposalHighlight) for (const range of proposed) proposalHighlight.add(range);
    return () => {
      if (highlight) for (const range of ranges) highlight.delete(range);
      if (proposalHighlight) for (const range of proposed) proposalHighlight.delete(range);
    };
  }, [markers, blocks]);

  // Open change proposals are shown under the block where their passage starts (placed in the version sent
  // for consultation when that is the text read, else in the current one).
  const proposals = getFragmentData(ReaderSuggestionFields, props.suggestions);
  const proposalsByBlock = new Map<number, (typeof proposals)[number][]>();
  const blockAt = blockOf(layout.spans);
  for (const proposal of proposals) {
    const at = proposal.consultedLocation ?? proposal.anchorLocation;
    // Read apart from the text: one the text no longer marks as proposed (taken in, or the text changed) waits
    // until both are read again.
    const block = at && layout.proposed.has(at.start) ? blockAt(at.start) : -1;
    if (block >= 0) proposalsByBlock.set(block, [...(proposalsByBlock.get(block) ?? []), proposal]);
  }

  function commentOnBlock(blockIndex: number) {
    const prose = proseRef.current;
    const element = prose?.querySelectorAll(':scope > .block > .block__content')[blockIndex];
    if (!prose || !element) return;
    const index = indexText(prose);
    const span = index.spanOf(element);
    const quote = span ? selectorFor(index.text, span.start, span.end) : null;
    setNotice('');
    props.onCompose({ sectionId: section.id, quote, ...(quote ? { passage: passageOf(index, quote) } : {}), kind: 'REMARK' });
  }

  function showComment(commentId: string) {
    setCommentsOpen(true);
    setFocusCommentId(commentId); // the threads scroll to it once they are shown
  }

  return (
    <section className="section" id={anchor} aria-labelledby={`${anchor}-title`} data-section-id={section.id}>
      <h2 className="section__title" id={`${anchor}-title`}>
        {shown.title}
      </h2>
      {props.consultedSnapshot && consulted ? (
        <p className="section__meta section__meta--consulted">
          {t('document.consultedVersion', { number: props.consultedSnapshot.number })}
          {deletedSince && <> {t('document.deletedSinceConsulted')}</>}
          {editedSince && (
            <>
              {' '}
              {t('document.editedSinceConsulted')}{' '}
              <SectionPageLink to={`${sectionPath}/history?from=${consulted.number}&to=${section.version}`} label={t('document.editedSinceLink')} title={shown.title} />
            </>
          )}
        </p>
      ) : (
        <p className="section__meta">
          {t('document.version', { version: section.version })} · {t('document.updated')} <DateTime value={section.updatedAt} />
          {section.updatedBy && <> · {section.updatedBy.name}</>}
        </p>
      )}
      {notConsulted && <p className="section__meta">{t('document.notConsulted')}</p>}
      <PresenceLine label={t('presence.editing')} people={props.editors} className="presence--editing" />
      <ul className="section__tools">
        {props.canEdit && (
          <li>
            <SectionPageLink to={`${sectionPath}/edit`} label={t('document.edit')} title={shown.title} />
          </li>
        )}
        <li>
          <SectionPageLink to={`${sectionPath}/history`} label={t('document.history')} title={shown.title} />
        </li>
        {canComment && (
          <li>
            <button
              type="button"
              className="link-button"
              onClick={() => props.onCompose({ sectionId: section.id, quote: null, kind: 'REMARK' })}
            >
              {t('document.commentSection')}
              <span className="visually-hidden">: {shown.title}</span>
            </button>
          </li>
        )}
      </ul>
      {/* Rendered by the server's one Markdown renderer: raw HTML off, unsafe links refused. */}
      <div className="prose annotated" ref={proseRef} data-prose="">
        {blocks.map(({ html, start }, blockIndex) => {
          const here = layout.marks.get(blockIndex);
          return (
            <div className="block" key={`${blockIndex}:${html.length}`}>
              <div className="block__content" dangerouslySetInnerHTML={{ __html: html }} />
              <div className="block__tools" {...{ [UI_ATTRIBUTE]: '' }}>
                {here && here.count > 0 && (
                  <button type="button" className="marker" onClick={() => showComment(here.first)}>
                    <svg className="marker__icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
                      <path d="M2 2h12v9H6l-3 3v-3H2z" fill="currentColor" />
                    </svg>{' '}
                    {t('document.markerCount', { count: here.count })}
                  </button>
                )}
                {canComment && (
                  <button type="button" className="block-comment" onClick={() => commentOnBlock(blockIndex)}>
                    {t('document.commentPassage')}
                    <span className="visually-hidden">
                      {' '}
                      {t('document.passageStarting', { start })}
                    </span>
                  </button>
                )}
              </div>
              <Suggestions
                suggestions={proposalsByBlock.get(blockIndex) ?? []}
                onShowThread={showComment}
                onDone={(message) => {
                  setNotice(message);
                  props.onChanged();
                }}
              />
            </div>
          );
        })}
      </div>
      <OutdatedPassages
        comments={markers.outdated.map((comment) => ({ id: comment.id, exact: comment.passage ?? comment.anchor?.exact ?? '' }))}
        onShow={showComment}
      />
      {notice && <StatusMessage focus>{notice}</StatusMessage>}
      {composing && (
        <CommentComposer
          key={`${composing.quote?.exact ?? ''}:${composing.kind}`}
          sectionId={section.id}
          sectionTitle={shown.title}
          version={shown.version}
          quote={composing.quote}
          passage={composing.passage}
          kind={composing.kind}
          onCancel={() => props.onCompose(null)}
          onDone={(submitted) => {
            props.onCompose(null);
            setNotice(submitted ? t('composer.sent') : t('composer.savedDraft'));
            props.onChanged();
          }}
        />
      )}
      {markers.count > 0 && (
        <details
          className="section__comments"
          open={commentsOpen}
          onToggle={(event) => setCommentsOpen((event.target as HTMLDetailsElement).open)}
        >
          <summary>{t('document.commentsOnSection', { count: markers.count })}</summary>
          {commentsOpen && (
            <SectionThreads
              sectionId={section.id}
              canReply={canComment}
              revision={props.revision}
              focusCommentId={focusCommentId}
              onFocused={focused}
              onChanged={props.onChanged}
            />
          )}
        </details>
      )}
    </section>
  );
}

/** The first words of a block, to tell its button from the others' when read out. */
function textStart(element: Element): string {
  const text = element.textContent?.trim() ?? '';
  const words = text.split(/\s+/).slice(0, 6).join(' ');
  return words.length < text.length ? `${words} …` : words;
}

/** A link to one of the section's own pages; screen readers hear the section's title after the label. */
function SectionPageLink({ to, label, title }: { to: string; label: string; title: string }) {
  return (
    <Link to={to}>
      {label}
      <span className="visually-hidden">: {title}</span>
    </Link>
  );
}
