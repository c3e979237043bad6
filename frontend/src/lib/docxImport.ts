import type { TFunction } from 'i18next';
import { postFile } from './upload';

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
  const outcome = await postFile(`/imports/docx${query ? `?${query}` : ''}`, file, t, t('imports.tooLarge'));
  if (!outcome.ok) return outcome;
  if (isReport(outcome.payload)) return { ok: true, report: outcome.payload };
  return { ok: false, message: t('errors.unexpected'), field: null };
}

function isReport(value: unknown): value is ImportReport {
  if (!value || typeof value !== 'object') return false;
  const report = value as Record<string, unknown>;
  const lists = ['created', 'updated', 'unchanged', 'conflicts', 'losses'] as const;
  return typeof (report.document as { slug?: unknown } | undefined)?.slug === 'string' && lists.every((name) => Array.isArray(report[name]));
}
