import MarkdownIt from 'markdown-it';

/**
 * The editor's live preview, rendered in the browser as the server renders (server/markdown.py):
 * CommonMark with tables and strikethrough, raw HTML off, and only http(s), mailto and tel links.
 * Safe by construction: markdown-it escapes all text when `html` is false. What is saved is
 * always rendered again by the server; this is only a preview.
 */
const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false });
const defaultValidate = md.validateLink.bind(md);
md.validateLink = (url: string) => {
  if (!defaultValidate(url)) return false;
  const stripped = url.trim().toLowerCase();
  const scheme = /^[a-z][a-z0-9+.-]*:/.exec(stripped);
  return scheme === null || /^(https?|mailto|tel):/.test(stripped);
};

// A soft line break is a space to a reader; the rich-text editor is given it as one (env.softBreaks).
md.renderer.rules.softbreak = (_tokens, _idx, _options, env) => (env as { softBreaks?: string } | undefined)?.softBreaks ?? '\n';

export function renderPreview(markdown: string): string {
  return md.render(markdown);
}

/** The HTML the rich-text editor loads: as the preview, with soft line breaks as spaces. */
export function renderForEditor(markdown: string): string {
  return md.render(markdown, { softBreaks: ' ' });
}
