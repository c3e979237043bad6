import type { InputHTMLAttributes, ReactNode } from 'react';
import { FieldShell } from './forms';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'aria-describedby' | 'aria-invalid'>;

interface TextFieldProps extends InputProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode | undefined;
  error?: string | undefined;
}

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function TextField({ id, label, hint, error, className, ...input }: TextFieldProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      {(control) => <input className={['input', className].filter(Boolean).join(' ')} {...control} {...input} />}
    </FieldShell>
  );
}
