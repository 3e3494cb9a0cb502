// WebSocket /v1/ws: public channels (book, trades, ticker) and, after auth, the private
// `events` channel carrying the same event JSON as GET /v1/events. Heartbeats carry the
// account's last_seq so a client can tell it missed something and refetch.
// Limits: message size, connections, and a send-buffer cap: a client that cannot keep up
// is disconnected (code 1013) and catches up over REST, so memory stays bounded.
// Auth: the server's first message on every connection is a one-time random challenge; the
// client signs it (shared/platform/signing.ts: wsAuthCanonical). One auth attempt per
// connection, so a captured auth message is worthless anywhere else. Failed attempts count
// towards the same per-key / per-address limit as HTTP. A browser page may open a socket
// only from an allowed Origin (cross-site WebSocket hijacking); clients that are not
// browsers send no Origin.
// What is sent comes from a WsSource: the writer's core (coreWsSource), or in a read API
// process the market feed relayed from the writer and the events read from PostgreSQL
// (reader-feed.ts); the protocol, limits and auth are the same code either way.
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WsClientMessage, type WsChannel } from '../../shared/platform/api.js';
import { SIGNATURE_WINDOW_MS, signatureMatches, signWsAuth } from '../auth/signing.js';
import type { AuthFailureLimiter } from './ratelimit.js';
import type { CoreMessage, PlatformCore } from '../core/core.js';
import { BOOK_DEPTH_MAX, type BookSnapshot, type Ticker } from '../../shared/platform/api.js';

/** What a WebSocket hub serves: the clock, keys and seqs for auth, the market, and what changed. */
export interface WsSource {
  now_ms(): number;
  /** The key's account and secret (null: unknown key). */
  apiKey(key_id: string): Promise<{ account_id: string; secret: string } | null>;
  /** The account's highest event seq, read when a connection authenticates. */
  lastSeq(account_id: string): Promise<number>;
  /** The highest seq this process has sent or knows for the account right now (null: none known). */
  knownSeq(account_id: string): number | null;
  /** null while the book is not known yet (a book_reset follows once it is). */
  bookSnapshot(depth: number): BookSnapshot | null;
  ticker(): Ticker | null;
  bookSeq(): number;
  /** Committed changes, in commit order. */
  onMessage(listener: (m: CoreMessage) => void): () => void;
}

/** The writer's source: its own core. */
export function coreWsSource(core: PlatformCore): WsSource {
  return {
    now_ms: () => core.now_ms(),
    apiKey: async (key_id) => core.apiKey(key_id),
    lastSeq: async (account_id) => core.lastSeq(account_id),
    knownSeq: (account_id) => core.lastSeq(account_id),
    bookSnapshot: (depth) => core.bookSnapshot(depth),
    ticker: () => core.ticker(),
    bookSeq: () => core.bookSeq(),
    onMessage: (listener) => core.onMessage(listener),
  };
}

export interface WsOptions {
  heartbeat_ms: number;
  ticker_ms: number;
  max_connections: number;
  max_buffered_bytes: number;
  /** Origins (scheme://host:port) whose pages may open a socket; a request without Origin is not from a browser page. */
  allowed_origins: string[];
}

export const DEFAULT_WS: WsOptions = {
  heartbeat_ms: 5_000,
  ticker_ms: 1_000,
  max_connections: 1_000,
  max_buffered_bytes: 8 * 1024 * 1024,
  allowed_origins: [],
};

const MAX_MESSAGE_BYTES = 4 * 1024;

const CHALLENGE_BYTES = 32;

interface Client {
  ws: WebSocket;
  channels: Set<WsChannel>;
  account_id: string | null;
  /** This connection's auth challenge; null once an auth attempt spent it. */
  challenge: string | null;
  address: string;
  /** The highest event seq this connection was told of (authed, events, heartbeats). */
  last_seq: number;
  /** Messages are handled one after another (auth awaits the key), in arrival order. */
  inbox: Promise<void>;
}

export function attachWebSocket(
  server: http.Server,
  source: WsSource,
  partial: Partial<WsOptions>,
  onError: (e: unknown, where: string) => void,
  authFailures: AuthFailureLimiter | null = null,
  addressOf: (req: http.IncomingMessage) => string = (req) => req.socket.remoteAddress ?? '?',
) {
  const opts = { ...DEFAULT_WS, ...partial };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const clients = new Set<Client>();

  const refuse = (socket: Duplex, status: string) => {
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/v1/ws') return refuse(socket, '404 Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && !opts.allowed_origins.includes(origin)) return refuse(socket, '403 Forbidden');
    if (clients.size >= opts.max_connections) return refuse(socket, '503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, addressOf(req)));
  });

  const send = (c: Client, text: string) => {
    if (c.ws.readyState !== c.ws.OPEN) return;
    if (c.ws.bufferedAmount > opts.max_buffered_bytes) {
      c.ws.close(1013, 'too slow: reconnect and catch up over REST');
      return;
    }
    c.ws.send(text);
  };
  const sendObj = (c: Client, obj: unknown) => send(c, JSON.stringify(obj));
  const error = (c: Client, code: string, message: string) => sendObj(c, { type: 'error', code, message });

  function onConnection(ws: WebSocket, address: string): void {
    const c: Client = { ws, channels: new Set(), account_id: null, challenge: randomBytes(CHALLENGE_BYTES).toString('hex'), address, last_seq: 0, inbox: Promise.resolve() };
    clients.add(c);
    sendObj(c, { type: 'challenge', challenge: c.challenge });
    ws.on('close', () => clients.delete(c));
    ws.on('error', () => clients.delete(c));
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      c.inbox = c.inbox.then(() => onMessage(c, text)).catch((e: unknown) => {
        onError(e, 'ws message');
        error(c, 'internal_error', 'unexpected server error');
      });
    });
  }

  async function onMessage(c: Client, text: string | null): Promise<void> {
    if (text === null) return error(c, 'binary_not_supported', 'send JSON text frames');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return error(c, 'malformed_json', 'the message is not valid JSON');
    }
    const r = WsClientMessage.safeParse(raw);
    if (!r.success) return error(c, 'validation_failed', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 500));
    const m = r.data;
    switch (m.op) {
      case 'ping':
        return sendObj(c, { type: 'pong', time: new Date(source.now_ms()).toISOString() });
      case 'auth':
        return authenticate(c, m);
      case 'subscribe': {
        if (m.channels.includes('events') && c.account_id === null) return error(c, 'auth_required', 'authenticate before subscribing to events');
        for (const ch of m.channels) c.channels.add(ch);
        sendObj(c, { type: 'subscribed', channels: [...c.channels] });
        const book = m.channels.includes('book') ? source.bookSnapshot(BOOK_DEPTH_MAX) : null;
        if (book) sendObj(c, { type: 'book_snapshot', book });
        const ticker = m.channels.includes('ticker') ? source.ticker() : null;
        if (ticker) sendObj(c, { type: 'ticker', ticker });
        return;
      }
      case 'unsubscribe':
        for (const ch of m.channels) c.channels.delete(ch);
        return sendObj(c, { type: 'unsubscribed', channels: m.channels });
    }
  }

  async function authenticate(c: Client, m: Extract<WsClientMessage, { op: 'auth' }>): Promise<void> {
    const wait = authFailures?.waitMs(m.key_id, c.address) ?? 0;
    if (wait > 0) return error(c, 'auth_rate_limited', `too many failed authentications; retry in ${Math.ceil(wait / 1000)} s`);
    const challenge = c.challenge;
    c.challenge = null; // one attempt per connection, whatever its outcome
    if (challenge === null) return error(c, 'challenge_used', 'this connection already made its auth attempt; reconnect for a new challenge');
    const refuse = (code: string, message: string) => {
      authFailures?.failed(m.key_id, c.address);
      error(c, code, message);
    };
    const now = source.now_ms();
    if (Math.abs(now - m.timestamp) > SIGNATURE_WINDOW_MS) return refuse('stale_timestamp', 'timestamp outside the signature window');
    const key = await source.apiKey(m.key_id);
    if (!key) return refuse('invalid_api_key', 'unknown API key');
    if (!signatureMatches(signWsAuth(key.secret, m.timestamp, challenge), m.signature)) return refuse('invalid_signature', "signature does not match this connection's challenge");
    const read_seq = await source.lastSeq(key.account_id);
    // From here on every event of the account reaches this connection. One sent to others
    // while the seq was being read is counted in knownSeq: the client then sees a last_seq
    // above what it got and catches up over REST, so nothing falls between the two.
    c.account_id = key.account_id;
    c.last_seq = Math.max(read_seq, source.knownSeq(key.account_id) ?? 0);
    sendObj(c, { type: 'authed', account_id: key.account_id, last_seq: c.last_seq });
  }

  // The book seq of the last book message announced (heartbeats carry it). Not source.bookSeq():
  // a commit counts its seq at once but is announced after its flush (PostgreSQL), and a
  // heartbeat in between would name a delta no client could have yet (a false gap).
  let announced_book_seq = source.bookSeq();
  const off = source.onMessage((m: CoreMessage) => {
    if (m.kind === 'book_delta' || m.kind === 'book_reset') announced_book_seq = Math.max(announced_book_seq, m.seq);
    if (clients.size === 0) return;
    switch (m.kind) {
      case 'event': {
        const text = `{"type":"event","event":${m.json}}`;
        for (const c of clients) {
          if (c.account_id !== m.account_id) continue;
          c.last_seq = Math.max(c.last_seq, m.seq);
          if (c.channels.has('events')) send(c, text);
        }
        return;
      }
      case 'trade': {
        const text = JSON.stringify({ type: 'trade', trade: m.trade });
        for (const c of clients) if (c.channels.has('trades')) send(c, text);
        return;
      }
      case 'book_delta': {
        const text = JSON.stringify({ type: 'book_delta', seq: m.seq, changes: m.changes });
        for (const c of clients) if (c.channels.has('book')) send(c, text);
        return;
      }
      case 'book_reset': {
        const book = source.bookSnapshot(BOOK_DEPTH_MAX);
        if (!book) return;
        const text = JSON.stringify({ type: 'book_snapshot', book });
        for (const c of clients) if (c.channels.has('book')) send(c, text);
        return;
      }
    }
  });

  const heartbeat = setInterval(() => {
    const time = new Date(source.now_ms()).toISOString();
    const book_seq = announced_book_seq;
    for (const c of clients) {
      let last_seq: number | null = null;
      if (c.account_id !== null) last_seq = c.last_seq = Math.max(c.last_seq, source.knownSeq(c.account_id) ?? 0);
      sendObj(c, { type: 'heartbeat', time, last_seq, book_seq });
    }
  }, opts.heartbeat_ms);
  heartbeat.unref();

  let lastTicker = '';
  const tickerTimer = setInterval(() => {
    if (![...clients].some((c) => c.channels.has('ticker'))) return;
    const t = source.ticker();
    if (!t) return;
    const key = `${t.last}|${t.bid}|${t.ask}|${t.volume_24h}`;
    if (key === lastTicker) return;
    lastTicker = key;
    const text = JSON.stringify({ type: 'ticker', ticker: t });
    for (const c of clients) if (c.channels.has('ticker')) send(c, text);
  }, opts.ticker_ms);
  tickerTimer.unref();

  return {
    /** Open connections (a reader's one upstream connection counts as one here). */
    connections: () => clients.size,
    close: async () => {
      off();
      clearInterval(heartbeat);
      clearInterval(tickerTimer);
      for (const c of clients) c.ws.terminate();
      clients.clear();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
