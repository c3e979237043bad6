import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { ErrorSummary, type ErrorItem, requestErrorMessage } from '../components/errors';
import { usePageTitle } from '../components/page';
import { TextField } from '../components/TextField';
import { graphql } from '../gql';
import { useResetSession } from '../session';

const SignInMutation = graphql(`
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      __typename
      ... on SignedIn {
        user {
          id
        }
      }
      ... on UserError {
        message
      }
      ... on InvalidInput {
        field
      }
    }
  }
`);

type Field = 'email' | 'password';
const fields: readonly Field[] = ['email', 'password'];

interface Problems {
  fields: Partial<Record<Field, string>>;
  /** Everything, in page order, for the error summary; a new array per submit moves focus there. */
  summary: ErrorItem[];
}

function problems(fieldErrors: Problems['fields'], formErrors: readonly string[] = []): Problems {
  const summary: ErrorItem[] = [
    ...formErrors.map((message) => ({ message })),
    ...fields.flatMap((field) => {
      const message = fieldErrors[field];
      return message ? [{ message, fieldId: field }] : [];
    }),
  ];
  return { fields: fieldErrors, summary };
}

const noProblems = problems({});

export function SignInPage() {
  const { t } = useTranslation();
  usePageTitle(t('signIn.title'));
  const resetSession = useResetSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState<Problems>(noProblems);
  const [{ fetching }, signIn] = useMutation(SignInMutation);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (fetching) return;
    const missing: Problems['fields'] = {};
    if (!email.trim()) missing.email = t('signIn.emailRequired');
    if (!password) missing.password = t('signIn.passwordRequired');
    if (Object.keys(missing).length > 0) {
      setShown(problems(missing));
      return;
    }

    const result = await signIn({ email: email.trim(), password });
    const outcome = result.data?.signIn;
    if (!outcome) {
      setShown(problems({}, [result.error ? requestErrorMessage(result.error, t) : t('errors.unexpected')]));
      return;
    }
    switch (outcome.__typename) {
      case 'SignedIn':
        // The shell re-reads the viewer with the new session and leaves this page.
        resetSession();
        return;
      case 'InvalidInput': {
        const field = fields.find((name) => name === outcome.field);
        setShown(field ? problems({ [field]: outcome.message }) : problems({}, [outcome.message]));
        return;
      }
      default:
        // InvalidCredentials, TooManyAttempts, …: about the whole form, not one field.
        setShown(problems({}, [outcome.message]));
    }
  }

  return (
    <div className="narrow">
      <ErrorSummary errors={shown.summary} />
      <h1>{t('signIn.title')}</h1>
      <p className="lead">{t('signIn.intro')}</p>
      <form onSubmit={(event) => void handleSubmit(event)} noValidate>
        <TextField
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          spellCheck={false}
          label={t('signIn.email')}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={shown.fields.email}
        />
        <TextField
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          label={t('signIn.password')}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={shown.fields.password}
        />
        <button type="submit" className="button" aria-disabled={fetching || undefined}>
          {fetching ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
    </div>
  );
}
