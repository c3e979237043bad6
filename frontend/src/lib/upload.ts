import type { TFunction } from 'i18next';
import { currentLanguage } from '../i18n';

export type UploadOutcome = { ok: true; payload: unknown } | { ok: false; message: string; field: string | null };

/**
 * Posts a file's raw bytes as the request body (no multipart), with the session cookie, as every
 * upload of Udkast does. A refusal comes back as `{ error: { message, field } }` in the user's
 * language; a body the request guard stopped for its size is `tooLarge`.
 */
export async function postFile(url: string, file: File, t: TFunction, tooLarge: string): Promise<UploadOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
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
  if (response.ok) return { ok: true, payload };
  const error = (payload as { error?: { message?: unknown; field?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    return { ok: false, message: error.message, field: typeof error.field === 'string' ? error.field : null };
  }
  // Refusals by the request guard before the endpoint: too large, or not from this page.
  if (response.status === 413) return { ok: false, message: tooLarge, field: 'file' };
  return { ok: false, message: t('errors.unexpected'), field: null };
}
