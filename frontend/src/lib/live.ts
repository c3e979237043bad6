import { print } from 'graphql';
import { useEffect, useRef } from 'react';
import { graphql } from '../gql';
import type { LiveDocumentEventsSubscription } from '../gql/graphql';

const DocumentEventsDocument = graphql(`
  subscription LiveDocumentEvents($documentId: ID!) {
    documentEvents(documentId: $documentId) {
      id
      seq
      kind
      entityId
      data
      actor {
        id
        name
      }
    }
  }
`);

export type LiveEvent = LiveDocumentEventsSubscription['documentEvents'];

/**
 * Follows a document's events over the graphql-transport-ws protocol (the session cookie goes
 * with the handshake). Live updates are a convenience: when the socket cannot be opened or drops,
 * the page simply stops updating itself, and it retries a few times with a growing pause.
 */
export function useDocumentEvents(documentId: string | undefined, onEvent: (event: LiveEvent) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    if (!documentId || typeof WebSocket === 'undefined') return;
    let socket: WebSocket | null = null;
    let closed = false;
    let attempts = 0;
    let timer = 0;

    const connect = () => {
      const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      socket = new WebSocket(`${protocol}//${window.location.host}/graphql`, 'graphql-transport-ws');
      socket.onopen = () => socket?.send(JSON.stringify({ type: 'connection_init' }));
      socket.onmessage = (message: MessageEvent<string>) => {
        const data = JSON.parse(message.data) as { type: string; payload?: { data?: LiveDocumentEventsSubscription } };
        if (data.type === 'connection_ack') {
          attempts = 0;
          socket?.send(
            JSON.stringify({
              id: 'document-events',
              type: 'subscribe',
              payload: { query: print(DocumentEventsDocument), variables: { documentId } },
            }),
          );
        } else if (data.type === 'ping') {
          socket?.send(JSON.stringify({ type: 'pong' }));
        } else if (data.type === 'next' && data.payload?.data) {
          handler.current(data.payload.data.documentEvents);
        }
      };
      socket.onclose = () => {
        if (closed || attempts >= 5) return;
        attempts++;
        timer = window.setTimeout(connect, 1000 * 2 ** attempts);
      };
    };
    connect();
    return () => {
      closed = true;
      window.clearTimeout(timer);
      socket?.close();
    };
  }, [documentId]);
}
