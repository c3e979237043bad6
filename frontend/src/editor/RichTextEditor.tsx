import type { Editor } from '@tiptap/core';
import { EditorContent, useEditor, useEditorState } from '@tiptap/react';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sectionExtensions } from './extensions';
import { safeHref } from './links';
import { editorContent, markdownOf } from './markdown';
import { cleanPastedHtml } from './paste';

interface Props {
  id: string;
  /** The Markdown shown; when it changes from outside (a save, a merge), the editor loads it. */
  value: string;
  onChange: (markdown: string) => void;
  labelId: string;
  describedBy?: string | undefined;
  invalid?: boolean;
}

/**
 * The rich-text editor of a section (TipTap on ProseMirror). It loads the text as Udkast renders
 * it and gives back Markdown; a text read in and not changed is given back exactly as it was.
 */
export function RichTextEditor({ id, value, onChange, labelId, describedBy, invalid }: Props) {
  const { t } = useTranslation();
  const [notice, setNotice] = useState('');
  const [linking, setLinking] = useState(false);
  // The Markdown last given to or taken from the parent, and what the editor writes for it unchanged.
  const shown = useRef({ source: value, written: '' });
  const change = useRef(onChange);
  change.current = onChange;

  const attributes = {
    id,
    class: 'prose rich-text__content',
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-labelledby': labelId,
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(invalid ? { 'aria-invalid': 'true' } : {}),
    spellcheck: 'true',
  };
  const editor = useEditor({
    extensions: sectionExtensions(),
    content: editorContent(value),
    editorProps: {
      attributes,
      transformPastedHTML: (html) => {
        const cleaned = cleanPastedHtml(html);
        setNotice(cleaned.dropped.images > 0 ? t('richText.imagesDropped', { count: cleaned.dropped.images }) : '');
        return cleaned.html;
      },
      handleKeyDown: (_view, event) => {
        if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'k') {
          event.preventDefault();
          setLinking(true);
          return true;
        }
        return false;
      },
    },
    onCreate: ({ editor: created }) => {
      shown.current.written = markdownOf(created);
    },
    onUpdate: ({ editor: updated }) => {
      const written = markdownOf(updated);
      const markdown = written === shown.current.written ? shown.current.source : written;
      shown.current = { source: markdown, written };
      change.current(markdown);
    },
  });

  // An error shown (or gone) after a save: the text's description and validity follow.
  const attributesKey = JSON.stringify(attributes);
  useEffect(() => {
    if (!editor) return;
    editor.setOptions({ editorProps: { ...editor.options.editorProps, attributes: JSON.parse(attributesKey) as Record<string, string> } });
  }, [editor, attributesKey]);

  // A new text from outside (saved, merged, a conflict resolved): load it.
  useEffect(() => {
    if (!editor || value === shown.current.source) return;
    editor.commands.setContent(editorContent(value), { emitUpdate: false });
    shown.current = { source: value, written: markdownOf(editor) };
  }, [editor, value]);

  if (!editor) return null;
  return (
    <div className="rich-text">
      <Toolbar editor={editor} controls={id} onLink={() => setLinking(true)} />
      {linking && <LinkForm editor={editor} onClose={() => setLinking(false)} />}
      <EditorContent editor={editor} />
      <p className="field__hint" aria-live="polite">
        {notice}
      </p>
    </div>
  );
}

interface Tool {
  name: string;
  keys?: string;
  active?: boolean;
  disabled?: boolean;
  run: () => void;
}

function Toolbar({ editor, controls, onLink }: { editor: Editor; controls: string; onLink: () => void }) {
  const { t } = useTranslation();
  const state = useEditorState({
    editor,
    selector: ({ editor: current }) => ({
      bold: current.isActive('bold'),
      italic: current.isActive('italic'),
      bulletList: current.isActive('bulletList'),
      orderedList: current.isActive('orderedList'),
      blockquote: current.isActive('blockquote'),
      link: current.isActive('link'),
      table: current.isActive('table'),
      canSink: current.can().sinkListItem('listItem'),
      canLift: current.can().liftListItem('listItem'),
      canUndo: current.can().undo(),
      canRedo: current.can().redo(),
    }),
  });
  const [roving, setRoving] = useState('');
  const toolbar = useRef<HTMLDivElement>(null);
  const chain = () => editor.chain().focus();
  const groups: Tool[][] = [
    [
      { name: t('richText.bold'), keys: 'Control+B', active: state.bold, run: () => chain().toggleBold().run() },
      { name: t('richText.italic'), keys: 'Control+I', active: state.italic, run: () => chain().toggleItalic().run() },
      { name: t('richText.link'), keys: 'Control+K', active: state.link, run: onLink },
    ],
    [
      { name: t('richText.bulletList'), keys: 'Control+Shift+8', active: state.bulletList, run: () => chain().toggleBulletList().run() },
      { name: t('richText.orderedList'), keys: 'Control+Shift+7', active: state.orderedList, run: () => chain().toggleOrderedList().run() },
      { name: t('richText.indent'), keys: 'Control+]', disabled: !state.canSink, run: () => chain().sinkListItem('listItem').run() },
      { name: t('richText.outdent'), keys: 'Control+[', disabled: !state.canLift, run: () => chain().liftListItem('listItem').run() },
      { name: t('richText.quote'), keys: 'Control+Shift+B', active: state.blockquote, run: () => chain().toggleBlockquote().run() },
      { name: t('richText.lineBreak'), keys: 'Shift+Enter', run: () => chain().setHardBreak().run() },
    ],
    state.table
      ? [
          { name: t('richText.addRow'), run: () => chain().addRowAfter().run() },
          { name: t('richText.addColumn'), run: () => chain().addColumnAfter().run() },
          { name: t('richText.deleteRow'), run: () => chain().deleteRow().run() },
          { name: t('richText.deleteColumn'), run: () => chain().deleteColumn().run() },
          { name: t('richText.deleteTable'), run: () => chain().deleteTable().run() },
        ]
      : [{ name: t('richText.table'), run: () => chain().insertTable({ rows: 3, cols: 2, withHeaderRow: true }).run() }],
    [
      { name: t('richText.undo'), keys: 'Control+Z', disabled: !state.canUndo, run: () => chain().undo().run() },
      { name: t('richText.redo'), keys: 'Control+Shift+Z', disabled: !state.canRedo, run: () => chain().redo().run() },
    ],
  ];
  // One tab stop for the whole toolbar; the arrow keys, Home and End move between its buttons.
  const enabled = groups.flat().filter((tool) => !tool.disabled);
  const current = enabled.find((tool) => tool.name === roving) ?? enabled[0];
  function move(event: KeyboardEvent<HTMLDivElement>) {
    const at = enabled.findIndex((tool) => tool.name === current?.name);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: enabled.length - 1 }[event.key];
    if (to === undefined || enabled.length === 0) return;
    event.preventDefault();
    const next = enabled[(to + enabled.length) % enabled.length];
    if (!next) return;
    setRoving(next.name);
    toolbar.current?.querySelector<HTMLButtonElement>(`[data-tool="${CSS.escape(next.name)}"]`)?.focus();
  }
  return (
    <div ref={toolbar} className="rich-text__toolbar" role="toolbar" aria-label={t('richText.toolbar')} aria-controls={controls} onKeyDown={move}>
      {groups.map((tools, index) => (
        <div className="rich-text__group" key={index}>
          {tools.map((tool) => (
            <button
              key={tool.name}
              type="button"
              className="rich-text__button"
              data-tool={tool.name}
              tabIndex={tool.name === current?.name ? 0 : -1}
              aria-pressed={tool.active === undefined ? undefined : tool.active}
              aria-keyshortcuts={tool.keys}
              title={tool.keys ? `${tool.name} (${tool.keys.replaceAll('Control', 'Ctrl')})` : tool.name}
              disabled={tool.disabled}
              onFocus={() => setRoving(tool.name)}
              onClick={tool.run}
            >
              {tool.name}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}

/** Add, change or remove the link of the selection: an inline form instead of a prompt. */
function LinkForm({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const current = editor.getAttributes('link') as { href?: string };
  const [href, setHref] = useState(current.href ?? 'https://');
  const [error, setError] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  function close() {
    onClose();
    editor.commands.focus();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    event.stopPropagation();
    const target = safeHref(href);
    if (target === null || target === 'https://' || target === 'http://') return setError(t('richText.linkInvalid'));
    const chain = editor.chain().focus().extendMarkRange('link');
    if (editor.state.selection.empty && !editor.isActive('link')) {
      chain.insertContent({ type: 'text', text: target, marks: [{ type: 'link', attrs: { href: target } }] }).run();
    } else chain.setLink({ href: target }).run();
    onClose();
  }

  return (
    <div
      className="rich-text__link"
      role="group"
      aria-label={t('richText.link')}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          close();
        }
      }}
    >
      <label htmlFor={`${id}-href`} className="field__label">
        {t('richText.linkAddress')}
      </label>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <input
        ref={input}
        id={`${id}-href`}
        className="input"
        type="text"
        inputMode="url"
        value={href}
        onChange={(event) => setHref(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') submit(event);
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <div className="button-row">
        <button type="button" className="button" onClick={submit}>
          {t('richText.linkApply')}
        </button>
        {editor.isActive('link') && (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              editor.chain().focus().extendMarkRange('link').unsetLink().run();
              onClose();
            }}
          >
            {t('richText.linkRemove')}
          </button>
        )}
        <button type="button" className="button button--secondary" onClick={close}>
          {t('richText.cancel')}
        </button>
      </div>
    </div>
  );
}
