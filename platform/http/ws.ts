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
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WsClientMessage, type WsChannel } from '../../shared/platform/api.js';
import { SIGNATURE_WINDOW_MS, signatureMatches, signWsAuth } from '../auth/signing.js';
import type { AuthFailureLimiter } from './ratelimit.js';
import type { CoreMessage, PlatformCore } from '../core/core.js';
import { BOOK_DEPTH_MAX } from '../../shared/platform/api.js';

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
}

export function attachWebSocket(
  server: http.Server,
  core: PlatformCore,
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
    const c: Client = { ws, channels: new Set(), account_id: null, challenge: randomBytes(CHALLENGE_BYTES).toString('hex'), address };
    clients.add(c);
    sendObj(c, { type: 'challenge', challenge: c.challenge });
    ws.on('close', () => clients.delete(c));
    ws.on('error', () => clients.delete(c));
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(c, isBinary ? null : data.toString());
      } catch (e) {
        onError(e, 'ws message');
        error(c, 'internal_error', 'unexpected server error');
      }
    });
  }

  function onMessage(c: Client, text: string | null): void {
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
        return sendObj(c, { type: 'pong', time: new Date(core.now_ms()).toISOString() });
      case 'auth':
        return authenticate(c, m);
      case 'subscribe': {
        if (m.channels.includes('events') && c.account_id === null) return error(c, 'auth_required', 'authenticate before subscribing to events');
        for (const ch of m.channels) c.channels.add(ch);
        sendObj(c, { type: 'subscribed', channels: [...c.channels] });
        if (m.channels.includes('book')) sendObj(c, { type: 'book_snapshot', book: core.bookSnapshot(BOOK_DEPTH_MAX) });
        if (m.channels.includes('ticker')) sendObj(c, { type: 'ticker', ticker: core.ticker() });
        return;
      }
      case 'unsubscribe':
        for (const ch of m.channels) c.channels.delete(ch);
        return sendObj(c, { type: 'unsubscribed', channels: m.channels });
    }
  }

  function authenticate(c: Client, m: Extract<WsClientMessage, { op: 'auth' }>): void {
    const wait = authFailures?.waitMs(m.key_id, c.address) ?? 0;
    if (wait > 0) return error(c, 'auth_rate_limited', `too many failed authentications; retry in ${Math.ceil(wait / 1000)} s`);
    const challenge = c.challenge;
    c.challenge = null; // one attempt per connection, whatever its outcome
    if (challenge === null) return error(c, 'challenge_used', 'this connection already made its auth attempt; reconnect for a new challenge');
    const refuse = (code: string, message: string) => {
      authFailures?.failed(m.key_id, c.address);
      error(c, code, message);
    };
    const now = core.now_ms();
    if (Math.abs(now - m.timestamp) > SIGNATURE_WINDOW_MS) return refuse('stale_timestamp', 'timestamp outside the signature window');
    const key = core.apiKey(m.key_id);
    if (!key) return refuse('invalid_api_key', 'unknown API key');
    if (!signatureMatches(signWsAuth(key.secret, m.timestamp, challenge), m.signature)) return refuse('invalid_signature', "signature does not match this connection's challenge");
    c.account_id = key.account_id;
    sendObj(c, { type: 'authed', account_id: key.account_id, last_seq: core.lastSeq(key.account_id) });
  }

  const off = core.onMessage((m: CoreMessage) => {
    if (clients.size === 0) return;
    switch (m.kind) {
      case 'event': {
        const text = `{"type":"event","event":${m.json}}`;
        for (const c of clients) if (c.account_id === m.account_id && c.channels.has('events')) send(c, text);
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
        const text = JSON.stringify({ type: 'book_snapshot', book: core.bookSnapshot(BOOK_DEPTH_MAX) });
        for (const c of clients) if (c.channels.has('book')) send(c, text);
        return;
      }
    }
  });

  const heartbeat = setInterval(() => {
    const time = new Date(core.now_ms()).toISOString();
    const book_seq = core.bookSeq();
    for (const c of clients) {
      let last_seq: number | null = null;
      if (c.account_id !== null) last_seq = core.lastSeq(c.account_id);
      sendObj(c, { type: 'heartbeat', time, last_seq, book_seq });
    }
  }, opts.heartbeat_ms);
  heartbeat.unref();

  let lastTicker = '';
  const tickerTimer = setInterval(() => {
    if (![...clients].some((c) => c.channels.has('ticker'))) return;
    const t = core.ticker();
    const key = `${t.last}|${t.bid}|${t.ask}|${t.volume_24h}`;
    if (key === lastTicker) return;
    lastTicker = key;
    const text = JSON.stringify({ type: 'ticker', ticker: t });
    for (const c of clients) if (c.channels.has('ticker')) send(c, text);
  }, opts.ticker_ms);
  tickerTimer.unref();

  return {
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
