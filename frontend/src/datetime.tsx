// The one place dates and times are formatted: always Copenhagen time, whatever the browser's
// time zone, in the UI's language ("27. november 2026 kl. 14.05" / "27 November 2026 at 14:05").
import { useTranslation } from 'react-i18next';
import { type Language, currentLanguage } from './i18n';

const timeZone = 'Europe/Copenhagen';
const locales: Record<Language, string> = { da: 'da-DK', en: 'en-GB' };

const formats = Object.fromEntries(
  (['da', 'en'] as const).map((language) => [
    language,
    {
      date: new Intl.DateTimeFormat(locales[language], { timeZone, dateStyle: 'long' }),
      dateTime: new Intl.DateTimeFormat(locales[language], { timeZone, dateStyle: 'long', timeStyle: 'short' }),
    },
  ]),
) as Record<Language, { date: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat }>;

/** "27. november 2026" */
export function formatDate(iso: string, language: Language = currentLanguage()): string {
  return formats[language].date.format(new Date(iso));
}

/** "27. november 2026 kl. 14.05" */
export function formatDateTime(iso: string, language: Language = currentLanguage()): string {
  return formats[language].dateTime.format(new Date(iso));
}

export function DateTime({ value, dateOnly = false }: { value: string; dateOnly?: boolean }) {
  // Subscribes to the language, so a switch re-renders every date at once.
  const { i18n } = useTranslation();
  const language: Language = i18n.resolvedLanguage === 'en' ? 'en' : 'da';
  return <time dateTime={value}>{dateOnly ? formatDate(value, language) : formatDateTime(value, language)}</time>;
}

const isoDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in Copenhagen as "2026-11-27", comparable with GraphQL `Date` values. */
export function todayInCopenhagen(now: Date = new Date()): string {
  return isoDateFormat.format(now);
}
