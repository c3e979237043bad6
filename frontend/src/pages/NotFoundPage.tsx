import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../components/page';

export function NotFoundPage() {
  const { t } = useTranslation();
  usePageTitle(t('notFound.title'));
  return <NotFound title={t('notFound.title')} body={t('notFound.body')} home={t('notFound.home')} />;
}

/** What a page shows for something that is not there (or not for this user): a title, and the way home. */
export function NotFound({ title, body, home }: { title: string; body?: string; home: string }) {
  return (
    <>
      <h1>{title}</h1>
      {body && <p>{body}</p>}
      <p>
        <Link to="/">{home}</Link>
      </p>
    </>
  );
}
