import type { AnyExtension } from '@tiptap/core';
import Blockquote from '@tiptap/extension-blockquote';
import Bold from '@tiptap/extension-bold';
import Document from '@tiptap/extension-document';
import HardBreak from '@tiptap/extension-hard-break';
import Italic from '@tiptap/extension-italic';
import Link from '@tiptap/extension-link';
import { BulletList, ListItem, ListKeymap, OrderedList } from '@tiptap/extension-list';
import Paragraph from '@tiptap/extension-paragraph';
import { Table, TableKit } from '@tiptap/extension-table';
import Text from '@tiptap/extension-text';
import { Dropcursor, Gapcursor, UndoRedo } from '@tiptap/extensions';
import { Markdown } from '@tiptap/markdown';
import { safeHref } from './links';

// The second of two lists in a row is written with the other marker (`*`, `1)`): with the same
// marker, Markdown would read the two as one list (see markdownOf).
// Tab leaves the editor (no keyboard trap): items are indented with Ctrl+] and Ctrl+[ instead.
const SectionListItem = ListItem.extend({
  addKeyboardShortcuts() {
    return {
      Enter: () => this.editor.commands.splitListItem(this.name),
      'Mod-]': () => this.editor.commands.sinkListItem(this.name),
      'Mod-[': () => this.editor.commands.liftListItem(this.name),
    };
  },
  renderMarkdown(node, helpers, context) {
    const written = this.parent?.(node, helpers, context) ?? '';
    if (!(context.meta?.parentAttrs as { secondInRow?: boolean } | undefined)?.secondInRow) return written;
    return written.replace(/^- /, '* ').replace(/^(\d+)\. /, '$1) ');
  },
});

// In a table too, Tab leaves the editor rather than moving between cells (arrow keys do that).
const SectionTable = Table.extend({
  addKeyboardShortcuts() {
    const { Tab: _tab, 'Shift-Tab': _shiftTab, ...others } = this.parent?.() ?? {};
    return others;
  },
});

/**
 * The editor's schema: exactly the Markdown subset Udkast writes (server/markdown.py renders more,
 * and text with anything else is edited in the source view). No headings, code, images or
 * strikethrough, so nothing can be typed or pasted that the editor could not save faithfully.
 */
export function sectionExtensions(): AnyExtension[] {
  return [
    Document,
    Paragraph,
    Text,
    Bold,
    Italic,
    BulletList,
    OrderedList,
    SectionListItem,
    ListKeymap,
    HardBreak,
    Blockquote,
    Link.configure({
      openOnClick: false,
      autolink: false,
      linkOnPaste: false,
      // Links come from the link form or from pasted links, never from text that looks like an address.
      shouldAutoLink: () => false,
      defaultProtocol: 'https',
      protocols: ['mailto', 'tel'],
      isAllowedUri: (url) => safeHref(url) !== null,
      HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null },
    }),
    TableKit.configure({ table: false }),
    SectionTable.configure({ resizable: false, renderWrapper: false }),
    UndoRedo,
    Dropcursor,
    Gapcursor,
    Markdown,
  ];
}
