// Market data for the screens, pushed: ticker, recent trades and the order book arrive over
// the platform's public WebSocket channels and are handed on as they come. REST is used only
// to catch up (after a (re)connect, and for a fresh book snapshot after a sequence gap), never
// polled while the socket is up. Candles are fetched on demand, paged backwards, and cached in
// the local ledger file so the chart opens and scrolls back offline.
//
// This is its own public socket, apart from the sync engine's authenticated one: a burst of
// book deltas can never delay the account events the ledger waits for, and the feed's
// lifecycle (reconnect, resnapshot) stays in one small module.
import type { Logger } from 'pino';
import type { BookDelta, BookSnapshot, PublicTrade } from '../../../shared/platform/api.js';
import { SYMBOL } from '../../../shared/platform/api.js';
import type { Candle, CandleInterval, Ticker } from '../../../shared/platform/events.js';
import { backoffMs, type BackoffPolicy } from '../../../shared/backoff.js';
import { LocalBook } from './book.js';

export interface MarketRest {
  getTicker(): Promise<Ticker>;
  getCandles(q: { interval: CandleInterval; before?: number; limit?: number }): Promise<{ candles: Candle[] }>;
  getTrades(q: { before?: number; limit?: number }): Promise<{ trades: PublicTrade[] }>;
  getBook(q: { depth?: number }): Promise<BookSnapshot>;
}

/** What the feed needs of a stream (PlatformStream satisfies it). */
export interface MarketStream {
  on(name: 'book_snapshot', listener: (b: BookSnapshot) => void): unknown;
  on(name: 'book_delta', listener: (d: { seq: number; changes: BookDelta[] }) => void): unknown;
  on(name: 'trade', listener: (t: PublicTrade) => void): unknown;
  on(name: 'ticker', listener: (t: Ticker) => void): unknown;
  on(name: 'heartbeat', listener: (hb: { book_seq: number }) => void): unknown;
  on(name: 'close', listener: (info: { code: number; reason: string }) => void): unknown;
  on(name: 'error', listener: (err: Error) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<void>;
}

/** The local candle cache (the ledger file). */
export interface CandleCache {
  upsertCandles(interval: CandleInterval, candles: readonly unknown[]): number;
  candles(interval: CandleInterval, before: number | null, limit: number): Candle[];
}

export type BookUpdate = { kind: 'snapshot'; book: BookSnapshot } | { kind: 'delta'; seq: number; changes: BookDelta[] };

export interface MarketSinks {
  ticker(t: Ticker): void;
  book(u: BookUpdate): void;
  /** New public trades, newest first; `reset` replaces the list (after a catch-up). */
  trades(trades: PublicTrade[], reset: boolean): void;
}

export interface MarketFeedOptions {
  rest: MarketRest | null;
  stream_factory: (() => MarketStream) | null;
  cache: CandleCache;
  sinks: MarketSinks;
  logger?: Logger;
  backoff?: BackoffPolicy;
}

/** Recent trades kept for a screen that connects late. */
export const RECENT_TRADES_MAX = 100;
/** Deltas held while a fresh snapshot is fetched; more means the feed is hopeless: reconnect. */
const RESYNC_BUFFER_MAX = 10_000;
const DEFAULT_BACKOFF: BackoffPolicy = { base_ms: 500, max_ms: 30_000, jitter: 0.5 };

export interface MarketFeedStats {
  connected: boolean;
  deltas_applied: number;
  /** Sequence gaps seen (each one answered by a fresh snapshot). */
  gaps: number;
  reconnects: number;
}

export class MarketFeed {
  private ticker: Ticker | null = null;
  private readonly book = new LocalBook();
  private trades: PublicTrade[] = [];
  private stream: MarketStream | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private stopped = true;
  /** Deltas received while a fresh snapshot is on its way (null = not resyncing). */
  private resync_buffer: { seq: number; changes: BookDelta[] }[] | null = null;
  private readonly stats_: MarketFeedStats = { connected: false, deltas_applied: 0, gaps: 0, reconnects: 0 };

  constructor(private readonly o: MarketFeedOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.stream;
    this.stream = null;
    await s?.close();
  }

  /**
   * The platform is reachable again (the sync engine is online): a reconnect waiting out its
   * backoff goes now, so market data is live as soon as the account is (it waited up to the
   * backoff's cap, ~30 s, after an outage). Nothing while connected or connecting.
   */
  wake(): void {
    if (this.stopped || this.stream !== null || this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    void this.connect();
  }

  latest(): Ticker | null {
    return this.ticker;
  }

  /** The book as last applied (null before the first snapshot). */
  orderBook(depth: number): BookSnapshot | null {
    return this.book.ready ? this.book.snapshot(SYMBOL, depth) : null;
  }

  recentTrades(): PublicTrade[] {
    return this.trades;
  }

  stats(): MarketFeedStats {
    return { ...this.stats_ };
  }

  // ---------------------------------------------------------------- connection

  private async connect(): Promise<void> {
    if (this.stopped || !this.o.stream_factory) return;
    const stream = this.o.stream_factory();
    this.stream = stream;
    stream.on('ticker', (t) => this.onTicker(t));
    stream.on('trade', (t) => this.onTrades([t], false));
    stream.on('book_snapshot', (b) => this.onSnapshot(b));
    stream.on('book_delta', (d) => this.onDelta(d.seq, d.changes));
    stream.on('heartbeat', (hb) => this.onHeartbeat(hb.book_seq));
    stream.on('error', (err) => this.o.logger?.warn({ err: err.message }, 'market stream: message refused'));
    stream.on('close', () => this.onClose(stream));
    try {
      await stream.connect();
    } catch (err) {
      this.o.logger?.warn({ err: (err as Error).message }, 'market stream: connect failed');
      this.onClose(stream);
      return;
    }
    if (this.stopped || this.stream !== stream) return;
    this.attempt = 0;
    this.stats_.connected = true;
    await this.catchUpTrades();
  }

  private onClose(stream: MarketStream): void {
    if (this.stream !== stream) return; // an older socket, already replaced
    this.stream = null;
    this.stats_.connected = false;
    this.resync_buffer = null;
    if (this.stopped) return;
    const delay = backoffMs(this.o.backoff ?? DEFAULT_BACKOFF, this.attempt);
    this.attempt += 1;
    this.stats_.reconnects += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
    this.timer.unref();
  }

  /** After a (re)connect: the trades missed while away, once, over REST. */
  private async catchUpTrades(): Promise<void> {
    if (!this.o.rest) return;
    try {
      const page = await this.o.rest.getTrades({ limit: RECENT_TRADES_MAX });
      this.onTrades(page.trades, true);
    } catch (err) {
      this.o.logger?.warn({ err: (err as Error).message }, 'market: trade catch-up failed');
    }
  }

  // ---------------------------------------------------------------- messages

  private onTicker(t: Ticker): void {
    this.ticker = t;
    this.o.sinks.ticker(t);
  }

  private onTrades(incoming: PublicTrade[], reset: boolean): void {
    const newest_first = [...incoming].sort((a, b) => b.num - a.num);
    if (reset) {
      this.trades = newest_first.slice(0, RECENT_TRADES_MAX);
      this.o.sinks.trades(this.trades, true);
      return;
    }
    const known = this.trades[0]?.num ?? 0;
    const fresh = newest_first.filter((t) => t.num > known);
    if (fresh.length === 0) return;
    this.trades = [...fresh, ...this.trades].slice(0, RECENT_TRADES_MAX);
    this.o.sinks.trades(fresh, false);
  }

  private onSnapshot(b: BookSnapshot): void {
    this.book.reset(b);
    this.resync_buffer = null;
    this.o.sinks.book({ kind: 'snapshot', book: b });
  }

  private onDelta(seq: number, changes: BookDelta[]): void {
    if (this.resync_buffer) {
      if (this.resync_buffer.length >= RESYNC_BUFFER_MAX) return void this.restart('resync buffer full');
      this.resync_buffer.push({ seq, changes });
      return;
    }
    const r = this.book.apply(seq, changes, new Date().toISOString());
    if (r === 'applied') {
      this.stats_.deltas_applied += 1;
      this.o.sinks.book({ kind: 'delta', seq, changes });
    } else if (r === 'gap') {
      this.onGap(`delta ${seq} after ${this.book.last_seq}`, { seq, changes });
    }
  }

  /** A heartbeat says which book seq the platform is at: behind it with nothing pending is a missed delta. */
  private onHeartbeat(book_seq: number): void {
    if (this.resync_buffer || !this.book.ready) return;
    if (book_seq > this.book.last_seq) this.onGap(`heartbeat at book seq ${book_seq}, local ${this.book.last_seq}`, null);
  }

  private onGap(detail: string, first: { seq: number; changes: BookDelta[] } | null): void {
    this.stats_.gaps += 1;
    this.o.logger?.warn({ detail, gaps: this.stats_.gaps }, 'market: order book sequence gap, fetching a fresh snapshot');
    this.resync_buffer = first ? [first] : [];
    void this.resnapshot();
  }

  /** Fresh snapshot over REST; the deltas buffered meanwhile are applied on top of it, in order. */
  private async resnapshot(): Promise<void> {
    if (!this.o.rest) return this.restart('no REST client for a snapshot');
    let snap: BookSnapshot;
    try {
      snap = await this.o.rest.getBook({ depth: 500 });
    } catch (err) {
      return this.restart(`snapshot failed: ${(err as Error).message}`);
    }
    const buffered = this.resync_buffer;
    if (buffered === null) return; // the socket closed meanwhile, or a snapshot came over it
    this.resync_buffer = null;
    this.book.reset(snap);
    this.o.sinks.book({ kind: 'snapshot', book: snap });
    for (const d of buffered.sort((a, b) => a.seq - b.seq)) this.onDelta(d.seq, d.changes);
  }

  /** The socket cannot be trusted any more: drop it and reconnect (the subscribe sends a snapshot). */
  private restart(why: string): void {
    this.o.logger?.warn({ why }, 'market stream: reconnecting');
    const s = this.stream;
    if (s) void s.close(); // its close event schedules the reconnect
  }

  // ---------------------------------------------------------------- candles

  /** Newest page (or the page before `before`); from the platform, else from the cache. */
  async candles(interval: CandleInterval, before: number | undefined, limit: number): Promise<{ candles: Candle[]; from_cache: boolean }> {
    if (this.o.rest) {
      try {
        const res = await this.o.rest.getCandles(before === undefined ? { interval, limit } : { interval, before, limit });
        this.o.cache.upsertCandles(interval, res.candles);
        return { candles: res.candles, from_cache: false };
      } catch {
        // fall through to the local cache
      }
    }
    return { candles: this.o.cache.candles(interval, before ?? null, limit), from_cache: true };
  }
}
