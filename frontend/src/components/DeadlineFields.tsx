import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { type WallClock, parseDanishDate, parseDanishTime } from '../lib/danishDeadline';
import { TextField } from './TextField';

/** A deadline as Danish users write it, "09.12.2026" and "12.00", and what it parses to (null until valid). */
export function useDeadline(date: string, time: string): WallClock | null {
  const day = parseDanishDate(date);
  const clock = parseDanishTime(time);
  return day && clock ? { ...day, ...clock } : null;
}

/** What is wrong with a typed deadline, by the server's field names (`deadline`, `deadlineTime`). */
export function deadlineProblems(date: string, time: string, t: TFunction): Record<string, string> {
  const missing: Record<string, string> = {};
  if (!parseDanishDate(date)) missing.deadline = date.trim() ? t('approval.deadlineDateInvalid') : t('approval.deadlineRequired');
  if (!parseDanishTime(time)) missing.deadlineTime = t('approval.deadlineTimeInvalid');
  return missing;
}

/**
 * A date and a time in Copenhagen wall-clock time, as two plain text fields in Danish format
 * (the browser's own date-time field would show the browser's format and time zone).
 */
export function DeadlineFields(props: {
  legend: string;
  ids: { date: string; time: string };
  date: string;
  time: string;
  onDate: (value: string) => void;
  onTime: (value: string) => void;
  errors: { date?: string | undefined; time?: string | undefined };
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="field fieldset deadline-fields">
      <legend className="field__label">{props.legend}</legend>
      <TextField
        id={props.ids.date}
        label={t('approval.deadlineDate')}
        hint={t('approval.deadlineDateHint')}
        inputMode="numeric"
        autoComplete="off"
        value={props.date}
        onChange={(event) => props.onDate(event.target.value)}
        error={props.errors.date}
      />
      <TextField
        id={props.ids.time}
        label={t('approval.deadlineTime')}
        hint={t('approval.deadlineTimeHint')}
        inputMode="numeric"
        autoComplete="off"
        value={props.time}
        onChange={(event) => props.onTime(event.target.value)}
        error={props.errors.time}
      />
    </fieldset>
  );
}
