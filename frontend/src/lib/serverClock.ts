import { useEffect, useSyncExternalStore } from 'react';
import { useClient } from 'urql';
import { graphql } from '../gql';

const ServerTimeQuery = graphql(`
  query ServerTime {
    serverTime
  }
`);

/** Server time minus browser time, in milliseconds; 0 until the server has been asked. */
let offset = 0;
let asked = false;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * How far the browser's clock is off the server's. Deadlines are the server's: a countdown
 * computed from a browser clock that is a few minutes wrong would say so. The server is asked
 * once per page load (`serverTime`), halfway through the round trip counting as its moment.
 */
export function useServerClockOffset(): number {
  const client = useClient();
  useEffect(() => {
    if (asked) return;
    asked = true;
    const sent = Date.now();
    void client
      .query(ServerTimeQuery, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        const received = Date.now();
        const server = result.data ? Date.parse(result.data.serverTime) : Number.NaN;
        if (Number.isNaN(server)) {
          asked = false; // try again on the next countdown
          return;
        }
        offset = server - (sent + received) / 2;
        for (const listener of listeners) listener();
      });
  }, [client]);
  return useSyncExternalStore(subscribe, () => offset);
}

