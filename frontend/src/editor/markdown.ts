import { Editor, type JSONContent } from '@tiptap/core';
import { renderForEditor, renderPreview } from '../lib/markdown';
import { sectionExtensions } from './extensions';

/**
 * The editor's Markdown as Udkast stores it: TipTap's serialiser, with runs of blank lines (it
 * puts two around tables) collapsed to one and the ends trimmed — neither changes what renders.
 */
export function tidyMarkdown(markdown: string): string {
  return markdown.replace(/\n{3,}/g, '\n\n').trim();
}

// Marks where a line of text begins, so that what would read as Markdown there can be escaped.
const LINE_START = '\uE000';
// Text that at the start of a line would begin another block: a heading, a list, a quote, a rule.
const BLOCK_MARKER = /^(#{1,6}(?=[ \t]|$)|[-+*](?=[ \t]|$)|\d{1,9}(?=[.)]([ \t]|$))|>|=+[ \t]*$|(-[ \t]*){3,}$|(_[ \t]*){3,}$)/;

/** The Markdown of the editor's document. */
export function markdownOf(editor: Editor): string {
  if (!editor.markdown) throw new Error('The section editor has no Markdown extension');
  const written = editor.markdown.serialize(prepared(editor.getJSON()));
  return tidyMarkdown(
    written
      .split('\n')
      .map((line) => {
        const at = line.indexOf(LINE_START);
        if (at < 0) return line;
        const text = line.slice(at + 1).replace(/^[ \t]+/, '');
        const escaped = text.replace(BLOCK_MARKER, (marker) =>
          /^\d/.test(marker) ? marker : `\\${marker}`,
        ).replace(/^(\d{1,9})([.)])/, '$1\\$2');
        return line.slice(0, at) + escaped;
      })
      .join('\n')
      .replaceAll(LINE_START, ''),
  );
}

/**
 * The editor's document ready for the serialiser: each line's first text marked (LINE_START), and
 * the second of two lists in a row flagged to use the other marker.
 */
function prepared(node: JSONContent): JSONContent {
  const content = node.content?.map(prepared);
  if (!content) return node;
  let lineStart = node.type === 'paragraph';
  const marked: JSONContent[] = [];
  for (const child of content) {
    const previous = marked.at(-1);
    let result = child;
    if ((child.type === 'bulletList' || child.type === 'orderedList') && previous?.type === child.type) {
      result = { ...child, attrs: { ...child.attrs, secondInRow: !previous.attrs?.secondInRow } };
    }
    if (lineStart && child.type === 'text' && !child.marks?.length) result = { ...child, text: LINE_START + (child.text ?? '') };
    lineStart = node.type === 'paragraph' && child.type === 'hardBreak';
    marked.push(result);
  }
  return { ...node, content: marked };
}

/**
 * What the editor loads for ``markdown``: the HTML of Udkast's one renderer (markdown-it, as the
 * server renders), so the editor reads a text exactly as readers see it — TipTap's own Markdown
 * parser (marked) differs from markdown-it in corners such as raw HTML, which Udkast shows as text.
 */
export function editorContent(markdown: string): string {
  return renderForEditor(markdown);
}

/** ``markdown`` read into the editor and written out again, as a save without changes would. */
export function roundTrip(markdown: string): string {
  const editor = new Editor({ extensions: sectionExtensions(), content: editorContent(markdown) });
  try {
    return markdownOf(editor);
  } finally {
    editor.destroy();
  }
}

/**
 * The rendered HTML with what a reader cannot tell apart made equal: runs of white space (a soft
 * line break renders as a newline, which reads as a space) become one space, and a loose list
 * (items separated by blank lines, rendered with a paragraph in each item) reads as a tight one —
 * the editor writes lists tight, so only the spacing between such items changes.
 */
export function renderedMeaning(markdown: string): string {
  return renderPreview(markdown)
    .replace(/\s+/g, ' ')
    .replace(/ ?(<\/?(p|li|ul|ol|blockquote|table|thead|tbody|tr|th|td)\b[^>]*>) ?/g, '$1')
    .replace(/<li><p>((?:(?!<\/?p>).)*)<\/p>/g, '<li>$1')
    .replace(/<\/p>(<[ou]l\b)/g, '$1')
    .trim();
}

/** Does the editor show and save ``markdown`` without changing what it says? */
export function editorCanHold(markdown: string): boolean {
  return renderedMeaning(roundTrip(markdown)) === renderedMeaning(markdown);
}
