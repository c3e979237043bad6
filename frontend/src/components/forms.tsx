import type { TFunction } from 'i18next';
import { type ChangeEvent, type FormEvent, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AnyVariables, type CombinedError, type DocumentInput, useMutation } from 'urql';
import { graphql } from '../gql';
import { type ErrorItem, requestErrorMessage } from './errors';

/**
 * What every mutation selects of its typed errors: spread `...UserError` in the answer's union
 * next to the success type. `outcomeProblems` (and so `useFormMutation`) reads it.
 */
export const UserErrorFields = graphql(`
  fragment UserError on UserError {
    message
    ... on InvalidInput {
      field
    }
  }
`);

/** What went wrong with a submitted form: per field (by the server's field name) and in order. */
export interface Problems {
  fields: Record<string, string>;
  summary: ErrorItem[];
}

export const noProblems: Problems = { fields: {}, summary: [] };

export function formProblems(fields: Record<string, string>, fieldIds: Record<string, string>): Problems {
  return {
    fields,
    summary: Object.entries(fields).map(([field, message]) => {
      const fieldId = fieldIds[field];
      return fieldId ? { message, fieldId } : { message };
    }),
  };
}

/**
 * The problems of a mutation's typed error (any `UserError`): `InvalidInput` goes next to its
 * field when the form has one, everything else into the summary. The message is the server's,
 * already in the user's language.
 */
export function outcomeProblems(outcome: { __typename: string; message?: string; field?: string }, fieldIds: Record<string, string> = {}): Problems {
  // Masked by the UserError fragment in the generated types, the fields are there at run time.
  return fieldProblem(outcome.message ?? '', outcome.field ?? null, fieldIds);
}

/** One refusal: next to its field when the form has a control for it, in the summary otherwise. */
export function fieldProblem(message: string, field: string | null, fieldIds: Record<string, string>): Problems {
  const fieldId = field ? fieldIds[field] : undefined;
  if (field && fieldId) return { fields: { [field]: message }, summary: [{ message, fieldId }] };
  return { fields: {}, summary: [{ message }] };
}

/** The problem of a request that brought no typed answer (network down, server error). */
export function requestProblems(error: CombinedError | undefined, t: TFunction): Problems {
  return { fields: {}, summary: [{ message: error ? requestErrorMessage(error, t) : t('errors.unexpected') }] };
}

/** A form's problems and their setter, as `useState` gives them. */
export type ProblemsState = readonly [Problems, (problems: Problems) => void];

/** The union a mutation field answers with: its success type and `UserError` types. */
type Answer<Data, Key extends keyof Data> = Extract<NonNullable<Data[Key]>, { __typename: string }>;

/** A text control's value and its setter, as `useState` gives them. */
export type TextState = readonly [string, (value: string) => void];

/** What ties a text, text-area or select control to its state and to the server's field. */
export interface BoundField {
  id: string;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => void;
  error: string | undefined;
}

/**
 * The control of the server's field `name`: its id in the form (`fieldIds`), its value and
 * change from `state`, and its problem, if any. The problem is the one found for this control:
 * forms sharing one problems state (a page's panel of forms) may each have a field `reason`.
 */
export function boundField<Name extends string>(name: Name, [value, setValue]: TextState, problems: Problems, fieldIds: Record<Name, string>): BoundField {
  const id = fieldIds[name];
  const error = problems.summary.find((item) => item.fieldId === id)?.message;
  return { id, value, onChange: (event) => setValue(event.target.value), error };
}

export interface FormMutation<Success, Variables, FieldName extends string = string> {
  /** The mutation is on its way; a second submit is ignored meanwhile. */
  fetching: boolean;
  problems: Problems;
  setProblems: (problems: Problems) => void;
  /** A field of the form (by the server's name) tied to its state: spread it on the field. */
  field: (name: FieldName, state: TextState) => BoundField;
  /** Shows problems found before sending (a required field left empty), by the server's field names. */
  refuse: (fields: Record<string, string>) => void;
  /**
   * Sends the mutation. Resolves to the success type's answer, with the problems cleared; or to
   * null, with the typed error (next to its field for `InvalidInput`) or the request's failure shown.
   */
  run: (variables: Variables) => Promise<Success | null>;
  /** A form's `onSubmit`: no page load, and nothing while the previous submit is on its way. */
  onSubmit: (handler: () => unknown) => (event: FormEvent) => void;
}

/**
 * A mutation answered by a union of `success` and `UserError`s (selected with `...UserError`),
 * behind a form: `key` is the mutation's field. `success` may name several answers that are not
 * problems to show (a save's `VersionConflict` opens the conflict screen); `run` resolves to them. `fieldIds` maps the server's field names to the
 * form's control ids; `problems` shares one problems state between several mutations of a page.
 */
export function useFormMutation<
  Data,
  Variables extends AnyVariables,
  Key extends keyof Data,
  Success extends Answer<Data, Key>['__typename'],
  FieldName extends string = string,
>(
  mutation: DocumentInput<Data, Variables>,
  key: Key,
  success: Success | readonly Success[],
  options: { fieldIds?: Record<FieldName, string>; problems?: ProblemsState } = {},
): FormMutation<Extract<Answer<Data, Key>, { __typename: Success }>, Variables, FieldName> {
  const { t } = useTranslation();
  const own = useState<Problems>(noProblems);
  const [problems, setProblems] = options.problems ?? own;
  const [{ fetching }, execute] = useMutation(mutation);
  const fieldIds: Record<FieldName, string> = options.fieldIds ?? ({} as Record<FieldName, string>);

  async function run(variables: Variables) {
    const result = await execute(variables);
    const answer = result.data?.[key] as Answer<Data, Key> | null | undefined;
    if (!answer) {
      setProblems(requestProblems(result.error, t));
      return null;
    }
    if (!(typeof success === 'string' ? [success] : success).includes(answer.__typename as Success)) {
      setProblems(outcomeProblems(answer, fieldIds));
      return null;
    }
    setProblems(noProblems);
    return answer as Extract<Answer<Data, Key>, { __typename: Success }>;
  }

  return {
    fetching,
    problems,
    setProblems,
    field: (name, state) => boundField(name, state, problems, fieldIds),
    refuse: (fields) => setProblems(formProblems(fields, fieldIds)),
    run,
    onSubmit: (handler) => submitHandler(fetching, handler),
  };
}

/** A form's `onSubmit`: no page load, and nothing while the previous submit is still `busy`. */
export function submitHandler(busy: boolean, handler: () => unknown): (event: FormEvent) => void {
  return (event) => {
    event.preventDefault();
    if (!busy) void handler();
  };
}

/** What every labelled field takes besides its control's own attributes. */
export interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode | undefined;
  error?: string | undefined;
}

interface FieldShellProps extends FieldProps {
  className?: string | undefined;
  children: (control: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }) => ReactNode;
}

/** Label, hint and error of one control, tied to it by aria-describedby. */
export function FieldShell({ id, label, hint, error, className, children }: FieldShellProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  const control: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true } = { id };
  if (describedBy) control['aria-describedby'] = describedBy;
  if (error) control['aria-invalid'] = true;
  return (
    <div className={['field', error ? 'field--error' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && <FieldError id={errorId}>{error}</FieldError>}
      {children(control)}
    </div>
  );
}

/** A field's error message, tied to its control by the id. */
export function FieldError({ id, children }: { id: string | undefined; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <p className="field__error" id={id}>
      <span className="visually-hidden">{t('errors.prefix')} </span>
      {children}
    </p>
  );
}

export function TextAreaField({ id, label, hint, error, className, ...rest }: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> & FieldProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      {(control) => <textarea className={['input', 'textarea', className].filter(Boolean).join(' ')} {...control} {...rest} />}
    </FieldShell>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> &
  FieldProps & {
    /** The choices in order (or `children` as <option>s). */
    options?: readonly { value: string; label: ReactNode }[];
    /** A first choice with the empty value: "choose …", "all". */
    blank?: ReactNode;
  };

export function SelectField({ id, label, hint, error, className, options = [], blank, children, ...rest }: SelectProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className="field--select">
      {(control) => (
        <select className={['input', 'select', className].filter(Boolean).join(' ')} {...control} {...rest}>
          {blank !== undefined && <option value="">{blank}</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
          {children}
        </select>
      )}
    </FieldShell>
  );
}

/** A form's submit button; while its request is on its way it says so and a second submit is ignored. */
export function SubmitButton({ busy, className = 'button', children }: { busy: boolean; className?: string; children: ReactNode }) {
  return (
    <button type="submit" className={className} aria-disabled={busy || undefined}>
      {children}
    </button>
  );
}

/** The footer of a form that can be closed again: submit, and cancel. */
export function FormButtons({ busy, submit, onCancel }: { busy: boolean; submit: ReactNode; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="button-row">
      <SubmitButton busy={busy}>{submit}</SubmitButton>
      <button type="button" className="button button--secondary" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

/** A short message for a small inline form (reply, disposition), announced and focused. */
export function InlineProblems({ problems }: { problems: Problems }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (problems.summary.length > 0) ref.current?.focus();
  }, [problems]);
  if (problems.summary.length === 0) return null;
  return (
    <div className="inline-error" role="alert" tabIndex={-1} ref={ref}>
      <span className="visually-hidden">{t('errors.prefix')} </span>
      {problems.summary.map((item) => (
        <p key={item.message}>{item.message}</p>
      ))}
    </div>
  );
}

/** A polite confirmation after an action ("Gemt"), announced to screen readers. */
export function StatusMessage({ children, focus = false }: { children: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <div className="notice notice--success" role="status" tabIndex={-1} ref={ref}>
      {children}
    </div>
  );
}
