// PlatformStream: the WebSocket side of the platform client; see index.ts for the contract.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { WsServerMessage, type BookDelta, type BookSnapshot, type PublicTrade, type WsChannel } from '../../../shared/platform/api.js';
import type { AccountEvent, Ticker } from '../../../shared/platform/events.js';
import { signWsChallenge } from './signing.js';
import { platformUrlProblem } from '../../../shared/platform/url.js';
import { PlatformError } from './errors.js';
import type { PlatformCredentials } from './client.js';

export interface PlatformStreamOptions {
  base_url: string;
  credentials?: PlatformCredentials;
  channels: WsChannel[];
  /** For connect + auth + subscribe. */
  timeout_ms: number;
  now_ms?: () => number;
}

export interface StreamEvents {
  event: [AccountEvent];
  heartbeat: [{ time: string; last_seq: number | null; book_seq: number }];
  book_snapshot: [BookSnapshot];
  book_delta: [{ seq: number; changes: BookDelta[] }];
  trade: [PublicTrade];
  ticker: [Ticker];
  /** A refusal from the server or an unparseable message; the stream stays open. */
  error: [PlatformError];
  /** The socket closed (by close(), the server, or the network). No automatic reconnect. */
  close: [{ code: number; reason: string }];
}

export class PlatformStream extends EventEmitter<StreamEvents> {
  private ws: WebSocket | null = null;
  private account_id: string | null = null;

  constructor(private readonly opts: PlatformStreamOptions) {
    super();
    if (opts.channels.includes('events') && !opts.credentials) throw new TypeError('the events channel needs credentials');
    const problem = platformUrlProblem(opts.base_url);
    if (problem) throw new TypeError(problem);
  }

  get authenticated_account(): string | null {
    return this.account_id;
  }

  /** Opens, authenticates (when credentials are given) and subscribes. Rejects with PlatformError. */
  connect(): Promise<{ account_id: string | null; last_seq: number | null }> {
    if (this.ws) return Promise.reject(new PlatformError({ status: 0, code: 'already_connected', message: 'stream already connected' }));
    const url = this.opts.base_url.replace(/^http/, 'ws').replace(/\/+$/, '') + '/v1/ws';
    // No redirects (the default, stated): the handshake would go to wherever the answer points.
    const ws = new WebSocket(url, { maxPayload: 16 * 1024 * 1024, followRedirects: false });
    this.ws = ws;
    return new Promise((resolve, reject) => {
      let settled = false;
      let last_seq: number | null = null;
      const fail = (code: string, message: string, status = 0) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.terminate();
        reject(new PlatformError({ status, code, message }));
      };
      const timer = setTimeout(() => fail('timeout', `stream not ready within ${this.opts.timeout_ms} ms`), this.opts.timeout_ms);
      const subscribe = () => ws.send(JSON.stringify({ op: 'subscribe', channels: this.opts.channels }));
      // With credentials, auth waits for the server's one-time challenge (its first message).
      ws.on('open', () => {
        if (!this.opts.credentials) subscribe();
      });
      let challenged = false;
      const answerChallenge = (challenge: string) => {
        const cred = this.opts.credentials;
        if (!cred || challenged) return;
        challenged = true;
        const timestamp = (this.opts.now_ms ?? Date.now)();
        ws.send(JSON.stringify({ op: 'auth', key_id: cred.key_id, timestamp, signature: signWsChallenge(cred.secret, timestamp, challenge) }));
      };
      ws.on('error', (e) => fail('network_error', `stream error: ${e.message}`));
      ws.on('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          fail('redirect_refused', `the platform answered the stream handshake with HTTP ${status} (a redirect); the stream never follows one: set the platform URL to the final address`, status);
        } else fail('unexpected_response', `the platform refused the stream handshake with HTTP ${status}`, status);
      });
      ws.on('close', (code, reason) => {
        this.ws = null;
        fail('closed', `stream closed during setup (${code})`);
        this.emit('close', { code, reason: reason.toString() });
      });
      ws.on('message', (data) => {
        let msg: WsServerMessage;
        try {
          msg = WsServerMessage.parse(JSON.parse(data.toString()));
        } catch {
          this.emit('error', new PlatformError({ status: 0, code: 'invalid_message', message: 'unparseable stream message' }));
          return;
        }
        switch (msg.type) {
          case 'challenge':
            answerChallenge(msg.challenge);
            return;
          case 'authed':
            this.account_id = msg.account_id;
            last_seq = msg.last_seq;
            subscribe();
            return;
          case 'subscribed':
            if (!settled) {
              settled = true;
              clearTimeout(timer);
              resolve({ account_id: this.account_id, last_seq });
            }
            return;
          case 'error': {
            const err = new PlatformError({ status: 0, code: msg.code, message: msg.message });
            if (!settled) fail(msg.code, msg.message);
            else if (this.listenerCount('error') > 0) this.emit('error', err);
            return;
          }
          case 'event':
            this.emit('event', msg.event);
            return;
          case 'heartbeat':
            this.emit('heartbeat', { time: msg.time, last_seq: msg.last_seq, book_seq: msg.book_seq });
            return;
          case 'book_snapshot':
            this.emit('book_snapshot', msg.book);
            return;
          case 'book_delta':
            this.emit('book_delta', { seq: msg.seq, changes: msg.changes });
            return;
          case 'trade':
            this.emit('trade', msg.trade);
            return;
          case 'ticker':
            this.emit('ticker', msg.ticker);
            return;
          case 'pong':
          case 'unsubscribed':
            return;
        }
      });
    });
  }

  /** Closes the socket and waits for it to be closed. Safe to call twice. */
  close(): Promise<void> {
    const ws = this.ws;
    if (!ws) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000);
      ws.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      ws.close(1000, 'client closing');
    });
  }
}
