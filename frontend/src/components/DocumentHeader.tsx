import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { PhaseTag } from './PhaseTag';

export const DocumentHeaderFields = graphql(`
  fragment DocumentHeader on Document {
    id
    slug
    title
    kind
    phase
    viewerCan {
      manage
      edit
    }
  }
`);

/**
 * Breadcrumb, title, phase and the document's own navigation, on every page of a document.
 * A page about something else than the document (a written procedure) passes its own `badge`,
 * its subject's state, so the page never shows two states that seem to contradict each other.
 */
export function DocumentHeader(props: { document: FragmentType<typeof DocumentHeaderFields>; heading?: string; badge?: ReactNode }) {
  const { t } = useTranslation();
  const document = getFragmentData(DocumentHeaderFields, props.document);
  const base = `/documents/${encodeURIComponent(document.slug)}`;
  const tabs = [
    { to: base, label: t('documentNav.read'), end: true },
    { to: `${base}/comments`, label: t('documentNav.comments'), end: false },
    { to: `${base}/snapshots`, label: t('documentNav.snapshots'), end: false },
    { to: `${base}/consultations`, label: t('documentNav.consultation'), end: false },
    { to: `${base}/report`, label: t('documentNav.report'), end: false },
    { to: `${base}/approval-rounds`, label: t('documentNav.approval'), end: false },
    { to: `${base}/activity`, label: t('documentNav.activity'), end: false },
    ...(document.viewerCan.manage || document.viewerCan.edit ? [{ to: `${base}/settings`, label: t('documentNav.settings'), end: false }] : []),
  ];
  return (
    <>
      <nav aria-label={t('document.breadcrumb')} className="breadcrumb">
        <Link to="/">{t('document.allDocuments')}</Link>
      </nav>
      <div className="document-header">
        <p className="document-header__kind">{t(`documents.kind.${document.kind}`)}</p>
        {props.heading ? (
          <>
            <p className="document-header__title">{document.title}</p>
            <h1>{props.heading}</h1>
          </>
        ) : (
          <h1>{document.title}</h1>
        )}
        {props.badge ?? <PhaseTag phase={document.phase} />}
      </div>
      <nav aria-label={t('documentNav.label')} className="document-nav">
        <ul>
          {tabs.map((tab) => (
            <li key={tab.to}>
              <NavLink to={tab.to} end={tab.end}>
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
