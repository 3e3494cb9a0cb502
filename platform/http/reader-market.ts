// A read API process's copy of the live market (docs/PLATFORM.md "Several API processes"):
// the book lives in the writer's memory (single writer), so a reader holds ONE WebSocket to
// the writer on the public channels and fans it out to all of its own clients: the writer
// sends each book delta, trade and ticker once per reader, not once per client.
// The book is kept as any client keeps it (shared/market/book.ts): snapshot, then deltas in
// seq order; a gap (or a heartbeat ahead of it) asks the writer for a fresh snapshot and
// the reader's clients get that snapshot, never a wrong book.
import WebSocket from 'ws';
import { backoffMs, type BackoffPolicy } from '../../shared/backoff.js';
import { BookSides } from '../../shared/market/book.js';
import { SYMBOL, WsServerMessage, type BookSnapshot, type Ticker } from '../../shared/platform/api.js';
import type { CoreMessage } from '../core/types.js';

export interface MarketRelayOptions {
  /** The writer's base URL (http://host:port). */
  writer_url: URL;
  now_ms: () => number;
  on_error: (e: unknown, where: string) => void;
}

const RECONNECT: BackoffPolicy = { base_ms: 100, max_ms: 5_000, jitter: 0.5 };
/** A message from the writer above this is refused (a full 500-level snapshot is ~30 KB). */
const MESSAGE_BYTES_MAX = 1024 * 1024;

export class MarketRelay {
  private book = new BookSides();
  private ticker_: Ticker | null = null;
  private readonly listeners = new Set<(m: CoreMessage) => void>();
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** A fresh snapshot was asked for; deltas until it comes are not gaps of their own. */
  private resyncing = false;
  /** Upstream connections opened, and book gaps that asked for a snapshot (diagnostics, tests). */
  stats = { connects: 0, gaps: 0 };

  constructor(private readonly opts: MarketRelayOptions) {}

  start(): void {
    this.connect();
  }

  onMessage(listener: (m: CoreMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** null until the writer's snapshot arrived (and while reconnecting). */
  bookSnapshot(depth: number): BookSnapshot | null {
    if (!this.book.ready || this.resyncing) return null;
    return {
      symbol: SYMBOL,
      seq: this.book.seq,
      bids: this.book.levels('bids', depth),
      asks: this.book.levels('asks', depth),
      time: new Date(this.opts.now_ms()).toISOString(),
    };
  }

  bookSeq(): number {
    return Math.max(0, this.book.seq);
  }

  ticker(): Ticker | null {
    return this.ticker_;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.terminate();
    this.ws = null;
  }

  private connect(): void {
    const url = `ws://${this.opts.writer_url.host}/v1/ws`;
    const ws = new WebSocket(url, { maxPayload: MESSAGE_BYTES_MAX, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.stats.connects++;
      ws.send(JSON.stringify({ op: 'subscribe', channels: ['book', 'trades', 'ticker'] }));
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.opts.on_error(new Error('binary message from the writer'), 'market relay');
      this.onText(data.toString());
    });
    ws.on('error', (e) => this.opts.on_error(e, 'market relay (reconnecting)'));
    ws.on('close', () => this.reconnect(ws));
  }

  private reconnect(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.ws = null;
    // Until the new connection's snapshot the book is unknown: clients get nothing rather than a stale book.
    this.book = new BookSides();
    this.resyncing = false;
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed) this.connect();
    }, backoffMs(RECONNECT, this.attempt++));
    this.timer.unref();
  }

  private onText(text: string): void {
    let parsed: WsServerMessage;
    try {
      parsed = WsServerMessage.parse(JSON.parse(text));
    } catch (e) {
      return this.opts.on_error(e, 'market relay: a message from the writer is not valid');
    }
    const m = parsed;
    switch (m.type) {
      case 'book_snapshot':
        this.book.reset(m.book);
        this.resyncing = false;
        return this.emit({ kind: 'book_reset', seq: m.book.seq });
      case 'book_delta': {
        if (this.resyncing) return;
        const r = this.book.apply(m.seq, m.changes);
        if (r === 'applied') return this.emit({ kind: 'book_delta', seq: m.seq, changes: m.changes });
        if (r === 'gap') this.resync(`book delta ${m.seq} after ${this.book.seq}`);
        return;
      }
      case 'heartbeat':
        if (this.book.ready && !this.resyncing && m.book_seq > this.book.seq) this.resync(`heartbeat at book seq ${m.book_seq}, book at ${this.book.seq}`);
        return;
      case 'trade':
        return this.emit({ kind: 'trade', trade: m.trade });
      case 'ticker':
        this.ticker_ = m.ticker;
        return;
      case 'error':
        return this.opts.on_error(new Error(`${m.code}: ${m.message}`), 'market relay: the writer refused');
      default:
        return; // challenge (public channels need no auth), subscribed, pong
    }
  }

  /** Asks the writer for a fresh snapshot; counted and reported, as the wallet does. */
  private resync(why: string): void {
    this.stats.gaps++;
    this.resyncing = true;
    this.opts.on_error(new Error(`${why}: asking the writer for a fresh snapshot`), 'market relay book gap');
    const ws = this.ws;
    if (ws?.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ op: 'unsubscribe', channels: ['book'] }));
    ws.send(JSON.stringify({ op: 'subscribe', channels: ['book'] }));
  }

  private emit(m: CoreMessage): void {
    for (const l of this.listeners) l(m);
  }
}
