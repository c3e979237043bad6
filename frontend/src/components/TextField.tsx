import type { InputHTMLAttributes } from 'react';
import { FieldShell, type FieldProps } from './forms';

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function TextField({
  id,
  label,
  hint,
  error,
  className,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'aria-describedby' | 'aria-invalid'> & FieldProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      {(control) => <input className={['input', className].filter(Boolean).join(' ')} {...control} {...input} />}
    </FieldShell>
  );
}
