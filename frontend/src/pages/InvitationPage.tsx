import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorSummary } from '../components/errors';
import { SubmitButton, useFormMutation } from '../components/forms';
import { usePageTitle } from '../components/page';
import { TextField } from '../components/TextField';
import { graphql } from '../gql';

const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on InvitationAccepted {
        user {
          id
          name
        }
      }
      ...UserError
    }
  }
`);

/** The page an invitation link opens (/invitation#token): the person chooses a password. */
export function InvitationPage() {
  const { t } = useTranslation();
  usePageTitle(t('invitation.title'));
  // The token travels in the fragment, so it never reaches a server log or a Referer header.
  const [token] = useState(() => window.location.hash.slice(1));
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [accepted, setAccepted] = useState<string | null>(null);
  const fieldIds = { password: 'new-password', repeat: 'repeat-password', token: 'new-password' };
  const accept = useFormMutation(AcceptInvitationMutation, 'acceptInvitation', 'InvitationAccepted', { fieldIds });
  const { problems } = accept;

  async function handleSubmit() {
    const missing: Record<string, string> = {};
    if (!password) missing.password = t('invitation.passwordRequired');
    else if (password !== repeat) missing.repeat = t('invitation.mismatch');
    if (Object.keys(missing).length > 0) return accept.refuse(missing);
    const answer = await accept.run({ input: { token, password } });
    if (answer) setAccepted(answer.user.name);
  }

  if (accepted) {
    return (
      <div className="narrow">
        <h1>{t('invitation.doneTitle')}</h1>
        <p>{t('invitation.done', { name: accepted })}</p>
        <p>
          <Link to="/sign-in">{t('invitation.signIn')}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <ErrorSummary errors={problems.summary} />
      <h1>{t('invitation.title')}</h1>
      {!token ? (
        <p>{t('invitation.noToken')}</p>
      ) : (
        <>
          <p className="lead">{t('invitation.intro')}</p>
          <form onSubmit={accept.onSubmit(handleSubmit)} noValidate>
            <TextField
              {...accept.field('password', [password, setPassword])}
              error={problems.fields.password ?? problems.fields.token}
              type="password"
              autoComplete="new-password"
              label={t('invitation.password')}
              hint={t('invitation.passwordHint')}
            />
            <TextField {...accept.field('repeat', [repeat, setRepeat])} type="password" autoComplete="new-password" label={t('invitation.repeat')} />
            <SubmitButton busy={accept.fetching}>{t('invitation.submit')}</SubmitButton>
          </form>
        </>
      )}
    </div>
  );
}
