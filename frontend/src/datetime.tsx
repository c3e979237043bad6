// The one place dates and times are formatted: always Danish format, always Copenhagen
// time, whatever the language of the UI and the time zone of the browser.

const timeZone = 'Europe/Copenhagen';

const dateFormat = new Intl.DateTimeFormat('da-DK', { timeZone, dateStyle: 'long' });
const dateTimeFormat = new Intl.DateTimeFormat('da-DK', { timeZone, dateStyle: 'long', timeStyle: 'short' });

/** "27. november 2026" */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

/** "27. november 2026 kl. 14.05" */
export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

export function DateTime({ value, dateOnly = false }: { value: string; dateOnly?: boolean }) {
  return <time dateTime={value}>{dateOnly ? formatDate(value) : formatDateTime(value)}</time>;
}

const isoDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Copenhagen as "2026-11-27", comparable with GraphQL `Date` values. */
export function todayInCopenhagen(now: Date = new Date()): string {
  return isoDateFormat.format(now);
}
