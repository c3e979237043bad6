import type { InputHTMLAttributes, ReactNode } from 'react';
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
      <Choice
        type="checkbox"
        label={props.label}
        checked={props.checked}
        onChange={(event) => props.onChange(event.target.checked)}
        aria-describedby={props.hintId}
      />
      <p className="field__hint" id={props.hintId}>
        {props.hint}
      </p>
    </div>
  );
}

interface Options<T extends string> {
  options: readonly { value: T; label: ReactNode }[];
  /** Gives each input an id, `idPrefix` + its value, for an error summary to link to. */
  idPrefix?: string;
}

/** A choice among options: radio buttons, one per option, all with the same `name`. */
export function RadioButtons<T extends string>(props: Options<T> & { name: string; value: T | ''; onChange: (value: T) => void }) {
  return choices(props, 'radio', (value) => ({
    name: props.name,
    value,
    checked: props.value === value,
    onChange: () => props.onChange(value),
  }));
}

/** Checkboxes choosing any of the options; the chosen ones in the order they were ticked. */
export function Checkboxes<T extends string>(props: Options<T> & { chosen: readonly T[]; onChange: (chosen: T[]) => void }) {
  return choices(props, 'checkbox', (value) => ({
    checked: props.chosen.includes(value),
    onChange: (event) => props.onChange(event.target.checked ? [...props.chosen, value] : props.chosen.filter((other) => other !== value)),
  }));
}

/** One input of `type` per option, labelled by it; `input` gives what depends on the option's value. */
function choices<T extends string>(props: Options<T>, type: 'radio' | 'checkbox', input: (value: T) => Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  return props.options.map((option) => (
    <Choice
      key={option.value}
      type={type}
      label={option.label}
      id={props.idPrefix === undefined ? undefined : `${props.idPrefix}${option.value}`}
      {...input(option.value)}
    />
  ));
}

/** A radio button or checkbox inside its label. */
function Choice({ label, ...input }: InputHTMLAttributes<HTMLInputElement> & { type: 'radio' | 'checkbox'; label: ReactNode }) {
  return (
    <label className={input.type}>
      <input {...input} /> {label}
    </label>
  );
}

/** A checkbox the user must tick to confirm an act that cannot be undone, with its error tied to it. */
export function ConfirmCheckbox(props: { id: string; label: ReactNode; checked: boolean; onChange: (checked: boolean) => void; error?: string | undefined }) {
  const errorId = `${props.id}-error`;
  return (
    <div className={props.error ? 'field field--error' : 'field'}>
      {props.error && <FieldError id={errorId}>{props.error}</FieldError>}
      <Choice
        type="checkbox"
        id={props.id}
        label={props.label}
        checked={props.checked}
        onChange={(event) => props.onChange(event.target.checked)}
        aria-describedby={props.error ? errorId : undefined}
        aria-invalid={props.error ? true : undefined}
      />
    </div>
  );
}

/**
 * The organisations a workflow asks (the parties of a written procedure, a høringsliste), ticked
 * one at a time; the inputs' ids are `idPrefix` + "org-" + the organisation's id.
 */
export function OrganizationsField(props: {
  legend: ReactNode;
  hint: ReactNode;
  idPrefix: string;
  organizations: readonly { id: string; name: string }[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  error: string | undefined;
  /** Many organisations: lay them out in columns. */
  columns?: boolean | undefined;
}) {
  const checkboxes = (
    <Checkboxes
      options={props.organizations.map((org) => ({ value: org.id, label: org.name }))}
      chosen={props.chosen}
      onChange={props.onChange}
      idPrefix={`${props.idPrefix}org-`}
    />
  );
  return (
    <ChoiceFieldset legend={props.legend} error={props.error} errorId={`${props.idPrefix}orgs-error`}>
      <p className="field__hint">{props.hint}</p>
      {props.columns ? <div className="choice-columns">{checkboxes}</div> : checkboxes}
    </ChoiceFieldset>
  );
}
