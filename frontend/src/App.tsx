import { Suspense, lazy, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation, useSearchParams } from 'react-router';
import { Provider, useQuery } from 'urql';
import { createClient } from './client';
import { QueryError } from './components/errors';
import { Loading } from './components/page';
import { SiteHeader } from './components/SiteHeader';
import { graphql } from './gql';
import { ActivityPage } from './pages/ActivityPage';
import { ApprovalRoundPage } from './pages/ApprovalRoundPage';
import { ApprovalRoundsPage } from './pages/ApprovalRoundsPage';
import { CommentsPage } from './pages/CommentsPage';
import { ConsultationPage } from './pages/ConsultationPage';
import { ConsultationsPage } from './pages/ConsultationsPage';
import { DocumentPage } from './pages/DocumentPage';
import { DocumentSettingsPage } from './pages/DocumentSettingsPage';
import { DocumentsPage } from './pages/DocumentsPage';
import { GlossaryPage } from './pages/GlossaryPage';
import { InvitationPage } from './pages/InvitationPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { OutboxPage } from './pages/OutboxPage';
import { ReportPage } from './pages/ReportPage';
import { SectionHistoryPage } from './pages/SectionHistoryPage';
import { SignInPage } from './pages/SignInPage';
import { SnapshotPage } from './pages/SnapshotPage';
import { SnapshotsPage } from './pages/SnapshotsPage';
import { UsersPage } from './pages/UsersPage';
import { ResetSessionContext } from './session';
import { type Viewer, ViewerContext } from './viewer';

// The editor brings the Markdown renderer for its preview; only editors need it.
const SectionEditPage = lazy(() => import('./pages/SectionEditPage').then((module) => ({ default: module.SectionEditPage })));

const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      id
      name
      roles
      organization {
        id
        name
        shortName
      }
      ...SiteHeaderViewer
    }
  }
`);

export function App() {
  const [client, setClient] = useState(createClient);
  const resetSession = useCallback(() => setClient(createClient()), []);
  const { i18n } = useTranslation();
  // Texts the server writes (outcomes, the activity feed, error messages) follow a language
  // switch at once: a fresh client asks for everything again in the new language, no reload.
  useEffect(() => {
    const renew = () => setClient(createClient());
    i18n.on('languageChanged', renew);
    return () => i18n.off('languageChanged', renew);
  }, [i18n]);
  return (
    <Provider value={client}>
      <ResetSessionContext value={resetSession}>
        <Shell />
      </ResetSessionContext>
    </Provider>
  );
}

function Shell() {
  const { t } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ViewerQuery });
  const viewer = data?.viewer ?? null;
  const viewerInfo: Viewer | null = viewer
    ? { id: viewer.id, name: viewer.name, roles: viewer.roles, organization: viewer.organization }
    : null;
  const mainRef = useMoveFocusOnNavigation();

  let content;
  if (error && !data) {
    content = <QueryError error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  } else if (fetching && !data) {
    content = <Loading />;
  } else if (!viewer) {
    content = (
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/invitation" element={<InvitationPage />} />
        <Route path="/glossary" element={<GlossaryPage />} />
        <Route path="*" element={<ToSignIn />} />
      </Routes>
    );
  } else {
    content = (
      <Routes>
        <Route path="/" element={<DocumentsPage />} />
        <Route path="/documents/:slug" element={<DocumentPage />} />
        <Route path="/documents/:slug/sections/:sectionId/edit" element={
            <Suspense fallback={<Loading />}>
              <SectionEditPage />
            </Suspense>
          } />
        <Route path="/documents/:slug/sections/:sectionId/history" element={<SectionHistoryPage />} />
        <Route path="/documents/:slug/comments" element={<CommentsPage />} />
        <Route path="/documents/:slug/snapshots" element={<SnapshotsPage />} />
        <Route path="/documents/:slug/report" element={<ReportPage />} />
        <Route path="/documents/:slug/consultations" element={<ConsultationsPage />} />
        <Route path="/documents/:slug/approval-rounds" element={<ApprovalRoundsPage />} />
        <Route path="/documents/:slug/activity" element={<ActivityPage />} />
        <Route path="/documents/:slug/settings" element={<DocumentSettingsPage />} />
        <Route path="/consultations/:consultationId" element={<ConsultationPage />} />
        <Route path="/approval-rounds/:roundId" element={<ApprovalRoundPage />} />
        <Route path="/snapshots/:snapshotId" element={<SnapshotPage />} />
        <Route path="/users" element={<UsersPage />} />
        <Route path="/outbox" element={<OutboxPage />} />
        <Route path="/notifications" element={<NotificationsPage />} />
        <Route path="/glossary" element={<GlossaryPage />} />
        <Route path="/invitation" element={<InvitationPage />} />
        <Route path="/sign-in" element={<AfterSignIn />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    );
  }

  return (
    <ViewerContext value={viewerInfo}>
      <a href="#main" className="skip-link">
        {t('app.skipLink')}
      </a>
      <SiteHeader viewer={viewer} />
      <main id="main" className="container main" tabIndex={-1} ref={mainRef}>
        {content}
      </main>
      <footer className="site-footer">
        <nav className="container" aria-label={t('footer.label')}>
          <Link to="/glossary">{t('footer.glossary')}</Link>
        </nav>
      </footer>
    </ViewerContext>
  );
}

/** Sends a visitor without a session to sign in, remembering where they were going. */
function ToSignIn() {
  const { pathname, search, hash } = useLocation();
  const next = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search + hash)}`;
  return <Navigate to={`/sign-in${next}`} replace />;
}

function AfterSignIn() {
  const [params] = useSearchParams();
  const next = params.get('next');
  // Only paths inside this app: "//host" or "https://…" would leave it.
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  return <Navigate to={target} replace />;
}

/**
 * After a client-side navigation, move focus to the main region so keyboard and
 * screen-reader users start at the new page's content, as after a full page load.
 */
function useMoveFocusOnNavigation() {
  const { pathname } = useLocation();
  const ref = useRef<HTMLElement>(null);
  const previous = useRef(pathname);
  useEffect(() => {
    if (previous.current === pathname) return;
    previous.current = pathname;
    ref.current?.focus({ preventScroll: false });
  }, [pathname]);
  return ref;
}
