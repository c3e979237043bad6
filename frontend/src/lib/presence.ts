import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { getFragmentData, graphql } from '../gql';
import type { Activity } from '../gql/graphql';
import { type LivePresence, PresenceEntryFields, useDocumentPresence } from './live';

const ReportPresenceMutation = graphql(`
  mutation ReportPresence($input: ReportPresenceInput!) {
    reportPresence(input: $input) {
      __typename
    }
  }
`);

const PresenceQuery = graphql(`
  query Presence($documentId: ID!) {
    presence(documentId: $documentId) {
      ...PresenceEntry
    }
  }
`);

/**
 * Tell the server at once that this tab is gone (hidden or closed), instead of letting the entry
 * expire. A beacon still goes out while the page unloads; it carries the session cookie and the
 * page's Origin like any same-origin request.
 */
function leave(documentId: string, only?: { activity: Activity; sectionId: string | null }): void {
  const body = JSON.stringify({
    query:
      'mutation LeavePresence($documentId: ID!, $activity: Activity, $sectionId: ID) { leavePresence(documentId: $documentId, activity: $activity, sectionId: $sectionId) { __typename } }',
    variables: { documentId, activity: only?.activity ?? null, sectionId: only?.sectionId ?? null },
  });
  navigator.sendBeacon('/graphql', new Blob([body], { type: 'application/json' }));
}

/** Everyone else, in a stable order (organisation, then name). */
function people(entries: LivePresence): PresentPerson[] {
  const found = getFragmentData(PresenceEntryFields, entries).map((entry) => ({
    userId: entry.user.id,
    name: entry.user.name,
    organization: entry.organization?.shortName ?? null,
    activity: entry.activity,
    sectionId: entry.sectionId ?? null,
  }));
  found.sort((a, b) => (a.organization ?? '').localeCompare(b.organization ?? '', 'da') || a.name.localeCompare(b.name, 'da'));
  return found;
}

/** How often a visible page says it is still there (the server forgets it after 45 s). */
export const HEARTBEAT_MS = 20_000;

export interface PresentPerson {
  userId: string;
  name: string;
  organization: string | null;
  activity: Activity;
  sectionId: string | null;
}

export interface PresenceState {
  /** Everyone else on the document now, in a stable order (organisation, then name). */
  others: readonly PresentPerson[];
  /** Ask again at once, e.g. when the document's event feed says something happened. */
  refresh: () => void;
}

/**
 * The heartbeat and the list of who else is here. While the tab is visible, the page reports
 * itself (reading, or editing a section) at once and every ~20 s; a hidden tab, a closed one or a
 * page the user leaves says so at once (and one that cannot is forgotten when its report expires).
 * Who else is here is pushed by the server as it changes (`documentPresence`), and asked for on
 * each tick too, in case the socket is down. `sectionId` is read on each tick, so a reader can
 * pass the section in view as a ref.
 */
export function usePresence(
  documentId: string | undefined,
  activity: Activity,
  sectionId: { readonly current: string | null },
): PresenceState {
  const client = useClient();
  const [others, setOthers] = useState<readonly PresentPerson[]>([]);
  const alive = useRef(true);
  // Keep the old array when nothing changed, so nothing re-renders or is announced again.
  const show = useCallback((entries: LivePresence) => {
    const now = people(entries);
    setOthers((before) => (JSON.stringify(before) === JSON.stringify(now) ? before : now));
  }, []);

  const load = useCallback(() => {
    if (!documentId || window.document.visibilityState === 'hidden') return;
    void client
      .query(PresenceQuery, { documentId }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (alive.current && result.data) show(result.data.presence);
      });
  }, [client, documentId, show]);
  useDocumentPresence(documentId, show);

  // A burst of events (an import saves many sections) asks once, shortly after the last one.
  const debounce = useRef(0);
  const refresh = useCallback(() => {
    window.clearTimeout(debounce.current);
    debounce.current = window.setTimeout(load, 300);
  }, [load]);

  useEffect(() => {
    alive.current = true;
    if (!documentId) return;
    let timer = 0;
    let reported: string | null = null;
    const tick = () => {
      reported = sectionId.current;
      void client
        .mutation(ReportPresenceMutation, { input: { documentId, sectionId: reported, activity } })
        .toPromise()
        .then(() => load());
    };
    const start = () => {
      window.clearInterval(timer);
      tick();
      timer = window.setInterval(tick, HEARTBEAT_MS);
    };
    const onVisibility = () => {
      if (window.document.visibilityState === 'hidden') {
        window.clearInterval(timer);
        leave(documentId);
      } else start();
    };
    if (window.document.visibilityState !== 'hidden') start();
    window.document.addEventListener('visibilitychange', onVisibility);
    return () => {
      alive.current = false;
      // Leaving the page: gone at once, unless the page opened next has reported already.
      if (window.document.visibilityState !== 'hidden') leave(documentId, { activity, sectionId: reported });
      window.clearInterval(timer);
      window.clearTimeout(debounce.current);
      window.document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [client, documentId, activity, sectionId, load]);

  return { others, refresh };
}

/** "KL (Karen Kommune), Danske Regioner (Rasmus Region)" */
export function describePeople(people: readonly PresentPerson[]): string {
  return people.map((person) => (person.organization ? `${person.organization} (${person.name})` : person.name)).join(', ');
}
