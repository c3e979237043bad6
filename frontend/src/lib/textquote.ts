/**
 * Comment anchors: W3C TextQuoteSelectors over a section's visible text.
 *
 * The server anchors against the plain text of the rendered HTML (server/markdown.py
 * `plain_text`): tags removed, a "\n" after every block element, runs of newlines collapsed,
 * ends stripped. `indexText` builds exactly that text from the live DOM of a rendered section,
 * together with the mapping between DOM positions and offsets into it, so a mouse selection or a
 * keyboard user's "this paragraph" becomes a selector the server accepts, and a comment's
 * location becomes a DOM range to highlight.
 */

const BLOCK_END = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'BLOCKQUOTE', 'PRE', 'TR', 'TABLE', 'UL', 'OL']);

/** Elements marked with this attribute are the UI's own (buttons, markers) and not part of the text. */
export const UI_ATTRIBUTE = 'data-annotation-ui';

export interface TextQuote {
  exact: string;
  prefix: string;
  suffix: string;
}

export interface TextIndex {
  /** The plain text, as the server computes it. */
  text: string;
  /** The offset into `text` of a DOM position (as in a Range boundary), or null if outside. */
  offsetOf(node: Node, offset: number): number | null;
  /** The text offsets covered by an element. */
  spanOf(element: Element): { start: number; end: number } | null;
  /** A DOM range for `text.slice(start, end)`. */
  rangeOf(start: number, end: number): Range | null;
  /**
   * `text.slice(start, end)` as a reader sees it (as the server's `Comment.passage`): a soft line
   * break of the source as a space, and each numbered item starting in it with its number.
   */
  asRead(start: number, end: number): string;
}

interface Span {
  start: number; // raw offset where the node begins
  innerEnd: number; // raw offset after its content (before a block's newline)
}

export function indexText(root: Element): TextIndex {
  let raw = '';
  const spans = new Map<Node, Span>();
  const texts: { node: Text; start: number }[] = [];
  const softRaw = new Set<number>(); // raw offsets of newlines that are soft line breaks
  const numberRaw = new Map<number, string>(); // raw offset where a numbered item begins → "3. "

  const walk = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node as Text;
      spans.set(node, { start: raw.length, innerEnd: raw.length + text.data.length });
      texts.push({ node: text, start: raw.length });
      for (let j = text.data.indexOf('\n'); j >= 0; j = text.data.indexOf('\n', j + 1)) {
        // A newline before more text, or before inline content, is a soft line break; one before a
        // block (or at the end of its parent) is only the HTML's own formatting.
        const after = text.data.slice(j + 1);
        const next = text.nextSibling;
        const beforeBlock = next === null || (next.nodeType === Node.ELEMENT_NODE && BLOCK_END.has((next as Element).tagName));
        if (after.trim() !== '' || !beforeBlock) softRaw.add(raw.length + j);
      }
      raw += text.data;
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const element = node as Element;
    const start = raw.length;
    if (element.hasAttribute(UI_ATTRIBUTE)) {
      // Not text, but a selection may end inside it: it stands for the place where it is.
      spans.set(node, { start, innerEnd: start });
      return;
    }
    if (element.tagName === 'BR') {
      raw += '\n';
      spans.set(node, { start, innerEnd: start });
      return;
    }
    if (element.tagName === 'LI' && element.parentElement?.tagName === 'OL') {
      const list = element.parentElement;
      const first = Number.parseInt(list.getAttribute('start') ?? '1', 10);
      numberRaw.set(start, `${(Number.isNaN(first) ? 1 : first) + Array.from(list.children).indexOf(element)}. `);
    }
    for (const child of Array.from(element.childNodes)) walk(child);
    spans.set(node, { start, innerEnd: raw.length });
    if (element !== root && BLOCK_END.has(element.tagName)) raw += '\n';
  };
  for (const child of Array.from(root.childNodes)) walk(child);
  spans.set(root, { start: 0, innerEnd: raw.length });

  // Collapse runs of newlines, then strip, keeping a map from raw offsets to final ones.
  const map = new Int32Array(raw.length + 1);
  let collapsed = '';
  for (let i = 0; i < raw.length; i++) {
    map[i] = collapsed.length;
    const ch = raw[i] ?? '';
    if (ch === '\n' && i > 0 && raw[i - 1] === '\n') continue;
    collapsed += ch;
  }
  map[raw.length] = collapsed.length;
  const lead = collapsed.length - collapsed.trimStart().length;
  const text = collapsed.trim();
  const final = (rawOffset: number) => Math.min(Math.max((map[rawOffset] ?? 0) - lead, 0), text.length);
  const soft = new Set(Array.from(softRaw, (at) => final(at)));
  const numbers = new Map<number, string>();
  for (const [at, number] of numberRaw) {
    // The number goes before the item's first character of text.
    let k = final(at);
    while (k < text.length && /\s/.test(text[k] ?? '')) k++;
    numbers.set(k, number);
  }

  const rawOffsetOf = (node: Node, offset: number): number | null => {
    for (let ancestor = node.parentElement; ancestor && ancestor !== root; ancestor = ancestor.parentElement) {
      if (ancestor.hasAttribute(UI_ATTRIBUTE)) return spans.get(ancestor)?.start ?? null;
    }
    if (node.nodeType === Node.TEXT_NODE) {
      const span = spans.get(node);
      return span ? span.start + Math.min(offset, span.innerEnd - span.start) : null;
    }
    const children = node.childNodes;
    if (offset < children.length) {
      for (let i = offset; i < children.length; i++) {
        const span = spans.get(children[i] as Node);
        if (span) return span.start;
      }
    }
    const span = spans.get(node);
    return span ? span.innerEnd : null;
  };

  return {
    text,
    offsetOf(node, offset) {
      if (!root.contains(node)) return null;
      const at = rawOffsetOf(node, offset);
      return at === null ? null : final(at);
    },
    spanOf(element) {
      const span = spans.get(element);
      return span ? { start: final(span.start), end: final(span.innerEnd) } : null;
    },
    asRead(start, end) {
      let read = '';
      for (let k = Math.max(start, 0); k < Math.min(end, text.length); k++) {
        read += (numbers.get(k) ?? '') + (soft.has(k) && text[k] === '\n' ? ' ' : (text[k] ?? ''));
      }
      return read;
    },
    rangeOf(start, end) {
      const point = (target: number, preferEnd: boolean): [Text, number] | null => {
        for (const { node, start: nodeStart } of texts) {
          for (let j = 0; j <= node.data.length; j++) {
            const at = final(nodeStart + j);
            if (preferEnd ? at >= target && j > 0 : at >= target && j < node.data.length) {
              return [node, j];
            }
          }
        }
        return null;
      };
      const from = point(start, false);
      const to = point(end, true);
      if (!from || !to) return null;
      const range = document.createRange();
      range.setStart(from[0], from[1]);
      range.setEnd(to[0], to[1]);
      return range;
    },
  };
}

const CONTEXT = 32;

/** The selector for `text.slice(start, end)`, trimmed of surrounding whitespace; null if empty. */
export function selectorFor(text: string, start: number, end: number): TextQuote | null {
  while (start < end && /\s/.test(text[start] ?? '')) start++;
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  if (end <= start) return null;
  return {
    exact: text.slice(start, end),
    prefix: text.slice(Math.max(0, start - CONTEXT), start),
    suffix: text.slice(end, end + CONTEXT),
  };
}

/** The passage of `quote` as a reader sees it (TextIndex.asRead), found where its context puts it. */
export function passageOf(index: TextIndex, quote: TextQuote): string {
  const at = index.text.indexOf(quote.prefix + quote.exact);
  const start = at < 0 ? index.text.indexOf(quote.exact) : at + quote.prefix.length;
  return start < 0 ? quote.exact : index.asRead(start, start + quote.exact.length);
}
