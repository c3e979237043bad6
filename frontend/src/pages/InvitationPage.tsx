import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { ErrorSummary } from '../components/errors';
import { type Problems, formProblems, noProblems, outcomeProblems, requestProblems } from '../components/forms';
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
      ... on UserError {
        message
      }
      ... on InvalidInput {
        field
      }
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
  const [problems, setProblems] = useState<Problems>(noProblems);
  const [accepted, setAccepted] = useState<string | null>(null);
  const [{ fetching }, accept] = useMutation(AcceptInvitationMutation);
  const fieldIds = { password: 'new-password', repeat: 'repeat-password', token: 'new-password' };

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    const missing: Record<string, string> = {};
    if (!password) missing.password = t('invitation.passwordRequired');
    else if (password !== repeat) missing.repeat = t('invitation.mismatch');
    if (Object.keys(missing).length > 0) return setProblems(formProblems(missing, fieldIds));
    const result = await accept({ input: { token, password } });
    const outcome = result.data?.acceptInvitation;
    if (!outcome) return setProblems(requestProblems(result.error, t));
    if (outcome.__typename === 'InvitationAccepted') setAccepted(outcome.user.name);
    else setProblems(outcomeProblems(outcome, fieldIds));
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
          <form onSubmit={(event) => void handleSubmit(event)} noValidate>
            <TextField
              id={fieldIds.password}
              type="password"
              autoComplete="new-password"
              label={t('invitation.password')}
              hint={t('invitation.passwordHint')}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              error={problems.fields.password ?? problems.fields.token}
            />
            <TextField
              id={fieldIds.repeat}
              type="password"
              autoComplete="new-password"
              label={t('invitation.repeat')}
              value={repeat}
              onChange={(event) => setRepeat(event.target.value)}
              error={problems.fields.repeat}
            />
            <button type="submit" className="button" aria-disabled={fetching || undefined}>
              {t('invitation.submit')}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
