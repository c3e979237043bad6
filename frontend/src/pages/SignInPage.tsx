import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorSummary } from '../components/errors';
import { SubmitButton, useFormMutation } from '../components/forms';
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
      ...UserError
    }
  }
`);

export function SignInPage() {
  const { t } = useTranslation();
  usePageTitle(t('signIn.title'));
  const resetSession = useResetSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Only InvalidInput goes next to a field; InvalidCredentials, TooManyAttempts, … concern the whole form.
  const signIn = useFormMutation(SignInMutation, 'signIn', 'SignedIn', { fieldIds: { email: 'email', password: 'password' } });
  const shown = signIn.problems;

  async function handleSubmit() {
    const missing: Record<string, string> = {};
    if (!email.trim()) missing.email = t('signIn.emailRequired');
    if (!password) missing.password = t('signIn.passwordRequired');
    if (Object.keys(missing).length > 0) return signIn.refuse(missing);
    // The shell re-reads the viewer with the new session and leaves this page.
    if (await signIn.run({ email: email.trim(), password })) resetSession();
  }

  return (
    <div className="narrow">
      <ErrorSummary errors={shown.summary} />
      <h1>{t('signIn.title')}</h1>
      <p className="lead">{t('signIn.intro')}</p>
      <form onSubmit={signIn.onSubmit(handleSubmit)} noValidate>
        <TextField {...signIn.field('email', [email, setEmail])} name="email" type="email" autoComplete="username" spellCheck={false} label={t('signIn.email')} />
        <TextField {...signIn.field('password', [password, setPassword])} name="password" type="password" autoComplete="current-password" label={t('signIn.password')} />
        <SubmitButton busy={signIn.fetching}>{signIn.fetching ? t('signIn.submitting') : t('signIn.submit')}</SubmitButton>
      </form>
    </div>
  );
}
