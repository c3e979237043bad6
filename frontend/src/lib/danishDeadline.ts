// A deadline as Danish users write it — "09.12.2026" and "12.00" — in Copenhagen wall-clock time,
// whatever the browser's language: the browser's own date-time field shows its own format.

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const datePattern = /^\s*(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})\s*$/;
const timePattern = /^\s*(\d{1,2})[.:](\d{2})\s*$/;

/** "09.12.2026" → { day: 9, month: 12, year: 2026 }, or null when it is no real date. */
export function parseDanishDate(text: string): Pick<WallClock, 'year' | 'month' | 'day'> | null {
  const found = datePattern.exec(text);
  if (!found) return null;
  const [day, month, year] = [Number(found[1]), Number(found[2]), Number(found[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** "12.00" or "12:00" → { hour: 12, minute: 0 }, or null. */
export function parseDanishTime(text: string): Pick<WallClock, 'hour' | 'minute'> | null {
  const found = timePattern.exec(text);
  if (!found) return null;
  const [hour, minute] = [Number(found[1]), Number(found[2])];
  return hour < 24 && minute < 60 ? { hour, minute } : null;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The value the API takes: without an offset, the server reads it as Copenhagen time. */
export function toApiValue(at: WallClock): string {
  return `${at.year}-${two(at.month)}-${two(at.day)}T${two(at.hour)}:${two(at.minute)}:00`;
}

/** "onsdag den 9. december 2026 kl. 12.00" / "Wednesday 9 December 2026 at 12:00". */
export function describeWallClock(at: WallClock, language: 'da' | 'en'): string {
  const date = new Intl.DateTimeFormat(language === 'da' ? 'da-DK' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(at.year, at.month - 1, at.day)));
  return language === 'da' ? `${date} kl. ${two(at.hour)}.${two(at.minute)}` : `${date} at ${two(at.hour)}:${two(at.minute)}`;
}

/** A week from now, in Copenhagen, as "09.12.2026". */
export function dateInAWeek(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(
    new Date(now.getTime() + 7 * 86_400_000),
  );
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}.${part('month')}.${part('year')}`;
}
