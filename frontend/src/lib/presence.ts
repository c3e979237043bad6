import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { graphql } from '../gql';
import type { Activity } from '../gql/graphql';

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
      activity
      sectionId
      user {
        id
        name
      }
      organization {
        id
        shortName
      }
    }
  }
`);

/**
 * Tell the server at once that this tab is gone (hidden or closed), instead of letting the entry
 * expire. A beacon still goes out while the page unloads; it carries the session cookie and the
 * page's Origin like any same-origin request.
 */
function leave(documentId: string): void {
  const body = JSON.stringify({
    query: 'mutation LeavePresence($documentId: ID!) { leavePresence(documentId: $documentId) { __typename } }',
    variables: { documentId },
  });
  navigator.sendBeacon('/graphql', new Blob([body], { type: 'application/json' }));
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
 * itself (reading, or editing a section) every ~20 s and asks who else is present on the same
 * tick; a hidden tab or a page that goes away stops both, and the server lets the entry expire.
 * `sectionId` is read on each tick, so a reader can pass the section in view as a ref.
 */
export function usePresence(
  documentId: string | undefined,
  activity: Activity,
  sectionId: { readonly current: string | null },
): PresenceState {
  const client = useClient();
  const [others, setOthers] = useState<readonly PresentPerson[]>([]);
  const alive = useRef(true);

  const load = useCallback(() => {
    if (!documentId || window.document.visibilityState === 'hidden') return;
    void client
      .query(PresenceQuery, { documentId }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (!alive.current || !result.data) return;
        const people = result.data.presence.map((entry) => ({
          userId: entry.user.id,
          name: entry.user.name,
          organization: entry.organization?.shortName ?? null,
          activity: entry.activity,
          sectionId: entry.sectionId ?? null,
        }));
        people.sort((a, b) => (a.organization ?? '').localeCompare(b.organization ?? '', 'da') || a.name.localeCompare(b.name, 'da'));
        // Keep the old array when nothing changed, so nothing re-renders or is announced again.
        setOthers((before) => (JSON.stringify(before) === JSON.stringify(people) ? before : people));
      });
  }, [client, documentId]);

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
    const tick = () => {
      void client
        .mutation(ReportPresenceMutation, { input: { documentId, sectionId: sectionId.current, activity } })
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
