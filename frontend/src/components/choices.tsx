import type { ReactNode } from 'react';
import { FieldError } from './forms';

/** A group of checkboxes or radio buttons with its legend, and its error tied to the group. */
export function ChoiceFieldset(props: { legend: ReactNode; error?: string | undefined; errorId: string; children: ReactNode }) {
  return (
    <fieldset
      className={props.error ? 'field fieldset field--error' : 'field fieldset'}
      aria-describedby={props.error ? props.errorId : undefined}
    >
      <legend className="field__label">{props.legend}</legend>
      {props.error && <FieldError id={props.errorId}>{props.error}</FieldError>}
      {props.children}
    </fieldset>
  );
}

/** One checkbox with a hint below it, tied to it by aria-describedby. */
export function CheckboxField(props: { hintId: string; label: ReactNode; hint: ReactNode; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div className="field">
      <label className="checkbox">
        <input type="checkbox" checked={props.checked} onChange={(event) => props.onChange(event.target.checked)} aria-describedby={props.hintId} />{' '}
        {props.label}
      </label>
      <p className="field__hint" id={props.hintId}>
        {props.hint}
      </p>
    </div>
  );
}

/** A choice among options: radio buttons, one per option, all with the same `name`. */
export function RadioButtons<T extends string>(props: {
  name: string;
  options: readonly { value: T; label: ReactNode }[];
  value: T | '';
  onChange: (value: T) => void;
  /** Gives each button an id, `idPrefix` + its value, for an error summary to link to. */
  idPrefix?: string;
}) {
  return props.options.map((option) => (
    <label key={option.value} className="radio">
      <input
        type="radio"
        id={props.idPrefix === undefined ? undefined : `${props.idPrefix}${option.value}`}
        name={props.name}
        value={option.value}
        checked={props.value === option.value}
        onChange={() => props.onChange(option.value)}
      />{' '}
      {option.label}
    </label>
  ));
}

/** Checkboxes choosing any of the options; the chosen ones in the order they were ticked. */
export function Checkboxes<T extends string>(props: {
  options: readonly { value: T; label: ReactNode }[];
  chosen: readonly T[];
  onChange: (chosen: T[]) => void;
  /** Gives each box an id, `idPrefix` + its value, for an error summary to link to. */
  idPrefix?: string;
}) {
  return props.options.map((option) => (
    <label key={option.value} className="checkbox">
      <input
        type="checkbox"
        id={props.idPrefix === undefined ? undefined : `${props.idPrefix}${option.value}`}
        checked={props.chosen.includes(option.value)}
        onChange={(event) =>
          props.onChange(event.target.checked ? [...props.chosen, option.value] : props.chosen.filter((value) => value !== option.value))
        }
      />{' '}
      {option.label}
    </label>
  ));
}
