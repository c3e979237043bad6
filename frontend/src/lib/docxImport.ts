import type { TFunction } from 'i18next';
import { currentLanguage } from '../i18n';

/** The server refuses larger uploads; the browser says so before sending 20 MB for nothing. */
export const MAX_DOCX_BYTES = 20 * 1024 * 1024;

/** What `POST /imports/docx` answers after an import. */
export interface ImportReport {
  document: { id: string; slug: string };
  created: string[];
  updated: string[];
  unchanged: string[];
  conflicts: string[];
  /** Danish notes on everything that could not be carried over from the Word file. */
  losses: string[];
}

export type ImportOutcome = { ok: true; report: ImportReport } | { ok: false; message: string; field: string | null };

/**
 * Uploads a Word file: the raw bytes as the body (no multipart), the session cookie with it.
 * Without `documentId` it becomes a new document (titled `title`, or the file's own title);
 * with it, sections with matching titles get new versions and the rest become new sections.
 */
export async function importDocx(
  file: File,
  target: { documentId: string } | { title: string },
  t: TFunction,
): Promise<ImportOutcome> {
  const params = new URLSearchParams();
  if ('documentId' in target) params.set('documentId', target.documentId);
  else if (target.title.trim()) params.set('title', target.title.trim());
  const query = params.toString();
  let response: Response;
  try {
    response = await fetch(`/imports/docx${query ? `?${query}` : ''}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Accept-Language': currentLanguage() },
      body: file,
    });
  } catch {
    return { ok: false, message: t('errors.network'), field: null };
  }
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.ok && isReport(payload)) return { ok: true, report: payload };
  const error = (payload as { error?: { message?: unknown; field?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    return { ok: false, message: error.message, field: typeof error.field === 'string' ? error.field : null };
  }
  // Refusals by the request guard before the endpoint: too large, or not from this page.
  if (response.status === 413) return { ok: false, message: t('imports.tooLarge'), field: 'file' };
  return { ok: false, message: t('errors.unexpected'), field: null };
}

function isReport(value: unknown): value is ImportReport {
  if (!value || typeof value !== 'object') return false;
  const report = value as Record<string, unknown>;
  const lists = ['created', 'updated', 'unchanged', 'conflicts', 'losses'] as const;
  return typeof (report.document as { slug?: unknown } | undefined)?.slug === 'string' && lists.every((name) => Array.isArray(report[name]));
}
