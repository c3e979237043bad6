import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { type AnyVariables, type UseQueryArgs, type UseQueryExecute, useQuery } from 'urql';
import { QueryError } from './errors';

/** Sets the browser tab title, which is also what a screen reader announces on navigation. */
export function usePageTitle(title: string): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = t('app.pageTitle', { title });
  }, [t, title]);
}

/** Fetch a query again (from the server) whenever ``revision`` moves on: the page learnt of a change. */
export function useRefetchOn(revision: number, reexecute: UseQueryExecute): void {
  const shownRevision = useRef(revision);
  useEffect(() => {
    if (revision === shownRevision.current) return;
    shownRevision.current = revision;
    reexecute({ requestPolicy: 'network-only' });
  }, [revision, reexecute]);
}

/**
 * A page's query: its `data`, `refresh` (from the network, after a change), and `waiting`, what the
 * page shows instead of itself while it has no data yet: the failure with a retry, or loading.
 */
export function usePageQuery<Data, Variables extends AnyVariables>(args: UseQueryArgs<Variables, Data>) {
  const [{ data, fetching, error }, reexecute] = useQuery(args);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const waiting = error && !data ? <QueryError error={error} retry={refresh} /> : fetching && !data ? <Loading /> : null;
  return { data, refresh, waiting };
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="loading">
      {t('app.loading')}
    </p>
  );
}

/** A table's column headings (a heading may be visually hidden markup). */
export function TableHead({ columns }: { columns: readonly ReactNode[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, index) => (
          // A table's columns are fixed: their place is their identity.
          <th scope="col" key={index}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** One term and its value in a `meta-list`. */
export function Fact({ term, children }: { term: ReactNode; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** A titled part of a page (`className` "panel" unless given), named by its heading `id` for assistive technology. */
export function Panel({ id, title, className = 'panel', children }: { id: string; title: ReactNode; className?: string; children: ReactNode }) {
  return (
    <section className={className} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
