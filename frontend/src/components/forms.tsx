import type { TFunction } from 'i18next';
import { type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CombinedError } from 'urql';
import { type ErrorItem, requestErrorMessage } from './errors';

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
export function outcomeProblems(outcome: { __typename: string }, fieldIds: Record<string, string> = {}): Problems {
  const message = 'message' in outcome && typeof outcome.message === 'string' ? outcome.message : '';
  const field = 'field' in outcome && typeof outcome.field === 'string' ? outcome.field : undefined;
  const fieldId = field ? fieldIds[field] : undefined;
  if (field && fieldId) return { fields: { [field]: message }, summary: [{ message, fieldId }] };
  return { fields: {}, summary: [{ message }] };
}

/** The problem of a request that brought no typed answer (network down, server error). */
export function requestProblems(error: CombinedError | undefined, t: TFunction): Problems {
  return { fields: {}, summary: [{ message: error ? requestErrorMessage(error, t) : t('errors.unexpected') }] };
}

interface FieldShellProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode | undefined;
  error?: string | undefined;
  className?: string | undefined;
  children: (control: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }) => ReactNode;
}

/** Label, hint and error of one control, tied to it by aria-describedby. */
export function FieldShell({ id, label, hint, error, className, children }: FieldShellProps) {
  const { t } = useTranslation();
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
      {error && (
        <p className="field__error" id={errorId}>
          <span className="visually-hidden">{t('errors.prefix')} </span>
          {error}
        </p>
      )}
      {children(control)}
    </div>
  );
}

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> & {
  id: string;
  label: ReactNode;
  hint?: ReactNode | undefined;
  error?: string | undefined;
};

export function TextAreaField({ id, label, hint, error, className, ...rest }: TextAreaProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      {(control) => <textarea className={['input', 'textarea', className].filter(Boolean).join(' ')} {...control} {...rest} />}
    </FieldShell>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & {
  id: string;
  label: ReactNode;
  hint?: ReactNode | undefined;
  error?: string | undefined;
};

export function SelectField({ id, label, hint, error, className, children, ...rest }: SelectProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className="field--select">
      {(control) => (
        <select className={['input', 'select', className].filter(Boolean).join(' ')} {...control} {...rest}>
          {children}
        </select>
      )}
    </FieldShell>
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
