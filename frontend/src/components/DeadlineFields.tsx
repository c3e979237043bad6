import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type WallClock, parseDanishDate, parseDanishTime } from '../lib/danishDeadline';
import type { BoundField, TextState } from './forms';
import { TextField } from './TextField';

/** A deadline as Danish users type it, "09.12.2026" and "12.00", and what it parses to. */
export interface DeadlineInput {
  date: TextState;
  time: TextState;
  /** Null until both parts are valid. */
  wallClock: WallClock | null;
  /** What is wrong with it, by the server's field names (`deadline`, `deadlineTime`). */
  problems: (t: TFunction) => Record<string, string>;
}

/** The state of a deadline being typed: from `initialDate` (empty, or a day in Danish format) at noon. */
export function useDeadlineInput(initialDate: string | (() => string)): DeadlineInput {
  const date = useState(initialDate);
  const time = useState('12.00');
  const day = parseDanishDate(date[0]);
  const clock = parseDanishTime(time[0]);
  return { date, time, wallClock: day && clock ? { ...day, ...clock } : null, problems: (t) => deadlineProblems(date[0], time[0], t) };
}

function deadlineProblems(date: string, time: string, t: TFunction): Record<string, string> {
  const missing: Record<string, string> = {};
  if (!parseDanishDate(date)) missing.deadline = date.trim() ? t('approval.deadlineDateInvalid') : t('approval.deadlineRequired');
  if (!parseDanishTime(time)) missing.deadlineTime = t('approval.deadlineTimeInvalid');
  return missing;
}

/** The form's ids of a deadline's two fields, `prefix-deadline` and `prefix-deadline-time`. */
export function deadlineFieldIds(prefix: string): { deadline: string; deadlineTime: string } {
  return { deadline: `${prefix}-deadline`, deadlineTime: `${prefix}-deadline-time` };
}

/**
 * A date and a time in Copenhagen wall-clock time, as two plain text fields in Danish format
 * (the browser's own date-time field would show the browser's format and time zone). `form`
 * ties them to the server's fields `deadline` and `deadlineTime`.
 */
export function DeadlineFields(props: {
  legend: string;
  deadline: DeadlineInput;
  form: { field: (name: 'deadline' | 'deadlineTime', state: TextState) => BoundField };
}) {
  const { t } = useTranslation();
  const parts = [
    { field: props.form.field('deadline', props.deadline.date), label: t('approval.deadlineDate'), hint: t('approval.deadlineDateHint') },
    { field: props.form.field('deadlineTime', props.deadline.time), label: t('approval.deadlineTime'), hint: t('approval.deadlineTimeHint') },
  ];
  return (
    <fieldset className="field fieldset deadline-fields">
      <legend className="field__label">{props.legend}</legend>
      {parts.map((part) => (
        <TextField key={part.field.id} {...part.field} label={part.label} hint={part.hint} inputMode="numeric" autoComplete="off" />
      ))}
    </fieldset>
  );
}
