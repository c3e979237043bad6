/** The link targets Udkast keeps (as server/markdown.py): http(s), mailto and tel, or a relative link. */
export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  if (!trimmed) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed);
  if (scheme === null) return trimmed;
  return /^(https?|mailto|tel)$/i.test(scheme[1] ?? '') ? trimmed : null;
}
