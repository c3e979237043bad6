import { print } from 'graphql';
import { useEffect, useRef } from 'react';
import { graphql } from '../gql';
import type { LiveDocumentEventsSubscription } from '../gql/graphql';

const DocumentEventsDocument = graphql(`
  subscription LiveDocumentEvents($documentId: ID!, $afterSeq: Int) {
    documentEvents(documentId: $documentId, afterSeq: $afterSeq) {
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
type Listener = (event: LiveEvent) => void;

/** How long a socket nobody listens to any more stays open (a reader opening its editor keeps it). */
const LINGER_MS = 2_000;
const MAX_ATTEMPTS = 6;

/**
 * One graphql-transport-ws connection per document, shared by every component of the page
 * that follows it. It resumes after a drop from the last `seq` it saw (`afterSeq`), so nothing
 * is lost in between, and retries with a growing pause; when it has given up, the tab becoming
 * visible again or the network coming back starts it anew.
 */
class DocumentFeed {
  readonly listeners = new Set<Listener>();
  private socket: WebSocket | null = null;
  private lastSeq: number | null = null;
  private attempts = 0;
  private retryTimer = 0;
  private lingerTimer = 0;
  private stopped = false;

  private readonly documentId: string;
  private readonly onIdle: () => void;

  constructor(documentId: string, onIdle: () => void) {
    this.documentId = documentId;
    this.onIdle = onIdle;
    window.addEventListener('online', this.revive);
    window.document.addEventListener('visibilitychange', this.revive);
    this.connect();
  }

  add(listener: Listener): void {
    window.clearTimeout(this.lingerTimer);
    this.listeners.add(listener);
  }

  remove(listener: Listener): void {
    this.listeners.delete(listener);
    if (this.listeners.size > 0) return;
    window.clearTimeout(this.lingerTimer);
    this.lingerTimer = window.setTimeout(() => {
      if (this.listeners.size === 0) this.stop();
    }, LINGER_MS);
  }

  private stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    window.removeEventListener('online', this.revive);
    window.document.removeEventListener('visibilitychange', this.revive);
    this.socket?.close();
    this.socket = null;
    this.onIdle();
  }

  /** After giving up: try again when the page is looked at again or the network returns. */
  private readonly revive = () => {
    if (this.stopped || this.socket || window.document.visibilityState === 'hidden') return;
    window.clearTimeout(this.retryTimer);
    this.attempts = 0;
    this.connect();
  };

  private connect(): void {
    const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    // Always the page's own origin: the handshake is then same-origin, whatever host name the
    // app was opened under (the server accepts same-origin handshakes without a list).
    const socket = new WebSocket(`${protocol}//${window.location.host}/graphql`, 'graphql-transport-ws');
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init' }));
    socket.onmessage = (message: MessageEvent<string>) => {
      const data = JSON.parse(message.data) as { type: string; payload?: { data?: LiveDocumentEventsSubscription } };
      if (data.type === 'connection_ack') {
        this.attempts = 0;
        socket.send(
          JSON.stringify({
            id: 'document-events',
            type: 'subscribe',
            payload: {
              query: print(DocumentEventsDocument),
              variables: { documentId: this.documentId, afterSeq: this.lastSeq },
            },
          }),
        );
      } else if (data.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (data.type === 'next' && data.payload?.data) {
        const event = data.payload.data.documentEvents;
        if (this.lastSeq !== null && event.seq <= this.lastSeq) return; // already seen before a reconnect
        this.lastSeq = event.seq;
        for (const listener of [...this.listeners]) listener(event);
      }
    };
    socket.onclose = () => {
      if (this.socket === socket) this.socket = null;
      if (this.stopped || this.attempts >= MAX_ATTEMPTS) return;
      this.attempts++;
      this.retryTimer = window.setTimeout(() => {
        if (!this.stopped && !this.socket) this.connect();
      }, 1000 * 2 ** Math.min(this.attempts - 1, 5));
    };
  }
}

const feeds = new Map<string, DocumentFeed>();

/**
 * Follows a document's events over the graphql-transport-ws protocol (the session cookie goes
 * with the handshake). Live updates are a convenience: when the socket cannot be opened or drops,
 * the page simply stops updating itself until it can reconnect. Components of one page that follow
 * the same document share one socket.
 */
export function useDocumentEvents(documentId: string | undefined, onEvent: Listener): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    if (!documentId || typeof WebSocket === 'undefined') return;
    let feed = feeds.get(documentId);
    if (!feed) {
      const created: DocumentFeed = new DocumentFeed(documentId, () => {
        if (feeds.get(documentId) === created) feeds.delete(documentId);
      });
      feeds.set(documentId, created);
      feed = created;
    }
    const listener: Listener = (event) => handler.current(event);
    feed.add(listener);
    const current = feed;
    return () => current.remove(listener);
  }, [documentId]);
}
