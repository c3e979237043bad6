import { useTranslation } from 'react-i18next';
import { Link, NavLink, useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { useResetSession } from '../session';
import { LanguageSwitch } from './LanguageSwitch';
import { useMyTasks } from './MyTasks';

export const SiteHeaderViewer = graphql(`
  fragment SiteHeaderViewer on User {
    name
    roles
    organization {
      id
      name
    }
  }
`);

const SignOutMutation = graphql(`
  mutation SignOut {
    signOut {
      __typename
    }
  }
`);

export function SiteHeader(props: { viewer: FragmentType<typeof SiteHeaderViewer> | null }) {
  const { t } = useTranslation();
  const viewer = getFragmentData(SiteHeaderViewer, props.viewer);
  const [{ fetching: signingOut }, signOut] = useMutation(SignOutMutation);
  const resetSession = useResetSession();
  const navigate = useNavigate();

  async function handleSignOut() {
    await signOut({});
    // Whatever the answer (already signed out, or signed out now), start from a clean client.
    resetSession();
    await navigate('/sign-in');
  }

  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <Link to="/" className="site-header__brand">
          {t('app.name')}
        </Link>
        {viewer && (
          <nav aria-label={t('header.navLabel')} className="site-header__nav">
            <ul>
              <li>
                <NavLink to="/" end>
                  {t('header.documents')}
                </NavLink>
              </li>
              <li>
                <TaskCount />
              </li>
              {viewer.roles.includes('SECRETARIAT') && (
                <li>
                  <NavLink to="/users">{t('header.users')}</NavLink>
                </li>
              )}
              {viewer.roles.includes('SECRETARIAT') && (
                <li>
                  <NavLink to="/outbox">{t('header.outbox')}</NavLink>
                </li>
              )}
              <li>
                <NavLink to="/notifications">{t('header.notifications')}</NavLink>
              </li>
            </ul>
          </nav>
        )}
        <div className="site-header__tools">
          {viewer && (
            <p className="site-header__user">
              <span className="visually-hidden">{t('header.signedInAs')} </span>
              <span className="site-header__user-name">{viewer.name}</span>
              {viewer.organization && <span className="site-header__user-org">{viewer.organization.name}</span>}
            </p>
          )}
          {viewer && (
            <button type="button" className="header-button" onClick={() => void handleSignOut()} disabled={signingOut}>
              {t('header.signOut')}
            </button>
          )}
          <LanguageSwitch />
        </div>
      </div>
    </header>
  );
}

/** "Mine opgaver (2)": the count of what the viewer's organisation owes now. */
function TaskCount() {
  const { t } = useTranslation();
  const tasks = useMyTasks();
  const count = tasks?.length ?? 0;
  return (
    <Link to="/#mine-opgaver" className="site-header__tasks">
      {t('header.tasks')}{' '}
      <span className="badge" aria-label={t('header.taskCount', { count })}>
        {count}
      </span>
    </Link>
  );
}
