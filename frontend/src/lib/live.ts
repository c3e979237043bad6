import { print } from 'graphql';
import { useEffect, useRef } from 'react';
import { type FragmentType, graphql } from '../gql';
import type { LiveDocumentEventsSubscription, LiveDocumentPresenceSubscription } from '../gql/graphql';

/** Who is on a document and doing what: as pushed (`documentPresence`) and as asked for (`presence`). */
export const PresenceEntryFields = graphql(`
  fragment PresenceEntry on PresenceEntry {
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
`);

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

const DocumentPresenceDocument = graphql(`
  subscription LiveDocumentPresence($documentId: ID!) {
    documentPresence(documentId: $documentId) {
      ...PresenceEntry
    }
  }
`);

export type LiveEvent = LiveDocumentEventsSubscription['documentEvents'];
type Listener = (event: LiveEvent) => void;
export type LivePresence = readonly FragmentType<typeof PresenceEntryFields>[];
type PresenceListener = (present: LivePresence) => void;

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
  /** Pages that show who is here; the presence subscription runs only while there are some. */
  readonly presenceListeners = new Set<PresenceListener>();
  private socket: WebSocket | null = null;
  private acknowledged = false;
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

  addPresence(listener: PresenceListener): void {
    window.clearTimeout(this.lingerTimer);
    this.presenceListeners.add(listener);
    if (this.presenceListeners.size === 1 && this.acknowledged) this.subscribePresence();
  }

  removePresence(listener: PresenceListener): void {
    this.presenceListeners.delete(listener);
    if (this.presenceListeners.size === 0 && this.acknowledged) this.socket?.send(JSON.stringify({ id: 'document-presence', type: 'complete' }));
    this.lingerIfIdle();
  }

  private subscribePresence(): void {
    this.socket?.send(
      JSON.stringify({
        id: 'document-presence',
        type: 'subscribe',
        payload: { query: print(DocumentPresenceDocument), variables: { documentId: this.documentId } },
      }),
    );
  }

  remove(listener: Listener): void {
    this.listeners.delete(listener);
    this.lingerIfIdle();
  }

  private lingerIfIdle(): void {
    if (this.listeners.size > 0 || this.presenceListeners.size > 0) return;
    window.clearTimeout(this.lingerTimer);
    this.lingerTimer = window.setTimeout(() => {
      if (this.listeners.size === 0 && this.presenceListeners.size === 0) this.stop();
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
      const data = JSON.parse(message.data) as {
        id?: string;
        type: string;
        payload?: { data?: LiveDocumentEventsSubscription & LiveDocumentPresenceSubscription };
      };
      if (data.type === 'connection_ack') {
        this.attempts = 0;
        this.acknowledged = true;
        if (this.presenceListeners.size > 0) this.subscribePresence();
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
      } else if (data.type === 'next' && data.id === 'document-presence' && data.payload?.data) {
        const present = data.payload.data.documentPresence;
        for (const listener of [...this.presenceListeners]) listener(present);
      } else if (data.type === 'next' && data.payload?.data) {
        const event = data.payload.data.documentEvents;
        if (this.lastSeq !== null && event.seq <= this.lastSeq) return; // already seen before a reconnect
        this.lastSeq = event.seq;
        for (const listener of [...this.listeners]) listener(event);
      }
    };
    socket.onclose = () => {
      if (this.socket === socket) {
        this.socket = null;
        this.acknowledged = false;
      }
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
  useFeed(documentId, onEvent, followEvents);
}

/**
 * Who else is on the document, pushed when it changes (an arrival, a move, a departure), over the
 * page's socket for the document. Like the events, a convenience: without a socket the page still
 * learns it from its own heartbeat.
 */
export function useDocumentPresence(documentId: string | undefined, onChange: PresenceListener): void {
  useFeed(documentId, onChange, followPresence);
}

function followEvents(feed: DocumentFeed, listener: Listener): () => void {
  feed.add(listener);
  return () => feed.remove(listener);
}

function followPresence(feed: DocumentFeed, listener: PresenceListener): () => void {
  feed.addPresence(listener);
  return () => feed.removePresence(listener);
}

/**
 * Calls the latest `onMessage` with what the document's feed passes to listeners `follow` adds,
 * from mount to unmount; without a document or a WebSocket, never.
 */
function useFeed<Message>(documentId: string | undefined, onMessage: (message: Message) => void, follow: (feed: DocumentFeed, listener: (message: Message) => void) => () => void): void {
  const handler = useRef(onMessage);
  handler.current = onMessage;

  useEffect(() => {
    if (!documentId || typeof WebSocket === 'undefined') return;
    return follow(feedOf(documentId), (message) => handler.current(message));
  }, [documentId, follow]);
}

function feedOf(documentId: string): DocumentFeed {
  const found = feeds.get(documentId);
  if (found) return found;
  const created: DocumentFeed = new DocumentFeed(documentId, () => {
    if (feeds.get(documentId) === created) feeds.delete(documentId);
  });
  feeds.set(documentId, created);
  return created;
}
