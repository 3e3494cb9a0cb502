// The sync engine: keeps the local ledger caught up with the platform's account event feed.
//   catch-up by cursor over REST (after = last committed seq) → reconcile balances →
//   market data (only what is new) → live events over WebSocket (with heartbeats) →
//   on any failure: offline, reconnect with exponential backoff and jitter, resume from
//   the ledger's committed cursor (also after a restart).
// One async loop owns all work, so ledger writes never interleave.
import { backoffMs } from '../../../shared/backoff.js';
import type { Logger } from 'pino';
import { EVENTS_PAGE_LIMIT_MAX, type Candle, type CandleInterval } from '../../../shared/platform/events.js';
import type { CachedTrade, Mismatch } from '../ledger/index.js';
import { systemTimers, type SyncEngine, type SyncEngineOptions, type SyncState, type SyncStatus, type SyncStream, type SyncTimers } from './types.js';

const DEFAULTS = {
  page_limit: 1000,
  heartbeat_timeout_ms: 15_000,
  backoff_initial_ms: 500,
  backoff_max_ms: 30_000,
  gap_refetch_max: 3,
  invalid_retry_max: 3,
  live_queue_max: 10_000,
  candle_intervals: ['1m', '1h', '1d'] as readonly CandleInterval[],
};
/** Bounds on one catch-up and on market-data paging. */
const CATCH_UP_PAGES_MAX = 100_000;
const RECONCILE_TRIES_MAX = 3;
const CANDLE_PAGE = 500;
const CANDLE_PAGES_MAX = 10;
const TRADE_PAGE = 200;
const TRADE_PAGES_MAX = 5;

class Stopped extends Error {}

function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; status?: unknown };
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' ? `${e.code}: ${msg}` : msg;
}

function isInvalidResponse(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'invalid_response';
}

class Engine implements SyncEngine {
  private readonly o: Required<Omit<SyncEngineOptions, 'logger' | 'random' | 'timers'>> & { logger?: Logger; random: () => number; timers: SyncTimers };
  private state: SyncState = 'offline';
  private last_synced_at: string | null = null;
  private platform_last_seq = 0;
  private last_error: string | null = null;
  private readonly listeners = new Set<(s: SyncStatus) => void>();
  private running: Promise<void> | null = null;
  /** The background market-data fetch; at most one at a time. */
  private market_running: Promise<void> | null = null;
  private stopped = true;
  private stream: SyncStream | null = null;
  private wake: (() => void) | null = null;
  private invalid_strikes = new Map<number, number>();
  private gap_strikes = new Map<number, number>();

  constructor(opts: SyncEngineOptions) {
    this.o = { ...DEFAULTS, market_data: true, ...opts, random: opts.random ?? Math.random, timers: opts.timers ?? systemTimers } as Engine['o'];
    if (!(this.o.page_limit >= 1 && this.o.page_limit <= EVENTS_PAGE_LIMIT_MAX)) throw new RangeError(`page_limit must be 1..${EVENTS_PAGE_LIMIT_MAX}`);
    if (!(this.o.backoff_initial_ms > 0 && this.o.backoff_max_ms >= this.o.backoff_initial_ms)) throw new RangeError('bad backoff bounds');
    if (!(this.o.heartbeat_timeout_ms > 0)) throw new RangeError('heartbeat_timeout_ms must be > 0');
    this.platform_last_seq = opts.ledger.cursorSeq();
  }

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.closeStream();
    await this.running;
    await this.market_running;
    this.setState('offline');
  }

  status(): SyncStatus {
    return {
      state: this.state,
      last_synced_at: this.last_synced_at,
      events_behind: Math.max(0, this.platform_last_seq - this.o.ledger.cursorSeq()),
      last_error: this.last_error,
      cursor_seq: this.o.ledger.cursorSeq(),
      open_mismatches: this.o.ledger.openMismatchCount(),
    };
  }

  onStatus(listener: (s: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  mismatches(): Mismatch[] {
    return this.o.ledger.mismatches(true);
  }

  whenSynced(timeout_ms: number): Promise<SyncStatus> {
    return new Promise((resolve, reject) => {
      const check = (s: SyncStatus) => {
        if (s.state === 'online' && s.events_behind === 0 && s.last_synced_at !== null) {
          off();
          this.o.timers.clearTimeout(timer);
          resolve(s);
        }
      };
      const off = this.onStatus(check);
      const timer = this.o.timers.setTimeout(() => {
        off();
        reject(new Error(`not synced within ${timeout_ms} ms (${JSON.stringify(this.status())})`));
      }, timeout_ms);
      check(this.status());
    });
  }

  // ------------------------------------------------------------------ the loop

  private async loop(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      try {
        this.setState('syncing');
        await this.catchUp();
        await this.reconcile();
        const stream = await this.openStream();
        attempt = 0;
        this.last_error = null;
        this.setState('online');
        // Candles and trades are a cache (the market feed pages what it lacks itself), so they
        // never hold back 'online', which also gates sending orders: fetched beside the stream.
        this.startMarketData();
        await this.live(stream);
      } catch (err) {
        if (this.stopped || err instanceof Stopped) break;
        this.last_error = errorText(err);
        this.o.logger?.warn({ err: this.last_error }, 'sync: connection lost or failed');
      }
      await this.closeStream();
      if (this.stopped) break;
      this.setState('offline');
      attempt += 1;
      await this.sleep(this.backoff(attempt));
    }
  }

  /**
   * Offline and waiting out the backoff: try again now (the user asked; the platform may be
   * back). Returns whether a wait was cut short. Nothing while syncing or online.
   */
  retryNow(): boolean {
    if (this.stopped || this.state !== 'offline' || !this.wake) return false;
    this.wake();
    return true;
  }

  /** Exponential backoff with full jitter: uniform in [base/2, base], base = initial × 2^(attempt−1) capped. */
  private backoff(attempt: number): number {
    return backoffMs({ base_ms: this.o.backoff_initial_ms, max_ms: this.o.backoff_max_ms, jitter: 0.5 }, Math.max(0, attempt - 1), this.o.random);
  }

  /** Sleeps up to `ms`; stop() and stream activity wake it early. */
  private async sleep(ms: number): Promise<void> {
    const timers = this.o.timers;
    await new Promise<void>((resolve) => {
      const t = timers.setTimeout(done, ms);
      function done(): void {
        timers.clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
    this.wake = null;
  }

  private checkStopped(): void {
    if (this.stopped) throw new Stopped('stopped');
  }

  private setState(state: SyncState): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed) this.emit();
  }

  private emit(): void {
    const s = this.status();
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (err) {
        this.o.logger?.error({ err: errorText(err) }, 'sync: status listener threw');
      }
    }
  }

  private noteSynced(): void {
    if (this.o.ledger.cursorSeq() >= this.platform_last_seq) this.last_synced_at = new Date(this.o.timers.now_ms()).toISOString();
    this.emit();
  }

  // ------------------------------------------------------------------ catch-up

  /** Fetches pages after the cursor until the ledger has everything the platform had. */
  private async catchUp(): Promise<void> {
    const ledger = this.o.ledger;
    for (let page = 0; page < CATCH_UP_PAGES_MAX; page++) {
      this.checkStopped();
      const after = ledger.cursorSeq();
      const got = await this.fetchPage(after, this.o.page_limit);
      if (got === null) continue; // an invalid event was quarantined; go on from the new cursor
      this.platform_last_seq = Math.max(this.platform_last_seq, got.last_seq);
      const r = got.events.length > 0 ? ledger.ingest(got.events) : null;
      if (r && r.quarantined > 0) this.o.logger?.warn({ quarantined: r.quarantined, after }, 'sync: events quarantined');
      const stuck = ledger.cursorSeq() === after && got.last_seq > after;
      if (r?.gap) this.onGap(r.gap.expected_seq, `got seq ${r.gap.got_seq} while expecting ${r.gap.expected_seq}`);
      else if (stuck) this.onGap(after + 1, `platform reports last_seq ${got.last_seq} but sent nothing after ${after}`);
      else this.gap_strikes.clear();
      this.emit();
      if (ledger.cursorSeq() >= got.last_seq) {
        this.noteSynced();
        return;
      }
    }
    throw new Error(`catch-up did not finish within ${CATCH_UP_PAGES_MAX} pages`);
  }

  /** A gap at `seq`: refetched by the caller's next page; after too many tries, skipped with a record. */
  private onGap(seq: number, detail: string): void {
    const strikes = (this.gap_strikes.get(seq) ?? 0) + 1;
    this.gap_strikes.set(seq, strikes);
    this.o.logger?.warn({ seq, strikes, detail }, 'sync: sequence gap, refetching');
    if (strikes > this.o.gap_refetch_max) {
      this.o.ledger.skipMissing(seq, `${detail}; still missing after ${this.o.gap_refetch_max} refetches`);
      this.gap_strikes.delete(seq);
    }
  }

  /**
   * One page of events. A page that fails validation is bisected down to one event; an
   * event that is invalid on every one of `invalid_retry_max` single fetches is quarantined
   * (returns null). Other errors propagate (the loop goes offline and backs off).
   */
  private async fetchPage(after: number, limit: number): Promise<{ events: readonly unknown[]; last_seq: number } | null> {
    for (let size = limit; ; size = Math.max(1, Math.floor(size / 2))) {
      this.checkStopped();
      try {
        const page = await this.o.client.getEvents({ after, limit: size });
        this.invalid_strikes.delete(after + 1);
        return page;
      } catch (err) {
        if (!isInvalidResponse(err)) throw err;
        if (size > 1) continue;
        const seq = after + 1;
        const strikes = (this.invalid_strikes.get(seq) ?? 0) + 1;
        this.invalid_strikes.set(seq, strikes);
        if (strikes < this.o.invalid_retry_max) continue;
        this.invalid_strikes.delete(seq);
        const details = (err as { details?: unknown }).details ?? null;
        this.o.ledger.quarantineSeq(seq, `invalid event from the platform: ${errorText(err)}`, { seq, details });
        this.o.logger?.warn({ seq }, 'sync: invalid event quarantined');
        return null;
      }
    }
  }

  // ------------------------------------------------------------------ reconciliation

  private async reconcile(): Promise<void> {
    for (let i = 0; i < RECONCILE_TRIES_MAX; i++) {
      this.checkStopped();
      const balances = await this.o.client.getBalances();
      if (balances.as_of_seq > this.o.ledger.cursorSeq()) {
        // New events arrived meanwhile: catch up and compare again.
        this.platform_last_seq = Math.max(this.platform_last_seq, balances.as_of_seq);
        await this.catchUp();
        continue;
      }
      const r = this.o.ledger.reconcile(balances);
      if (r.compared) {
        if (r.open_mismatches.length > 0) this.o.logger?.warn({ mismatches: r.open_mismatches.length }, 'sync: balances differ from the platform');
        this.emit();
        return;
      }
    }
    this.o.logger?.info('sync: reconciliation skipped (platform kept moving)');
  }

  // ------------------------------------------------------------------ market data

  /** Starts the market-data fetch unless one is running (a reconnect while it runs skips it). */
  private startMarketData(): void {
    if (!this.o.market_data || this.market_running) return;
    this.market_running = this.marketData().finally(() => {
      this.market_running = null;
    });
  }

  /** Candles and public trades: only what is newer than the cache. Failures here are not fatal. */
  private async marketData(): Promise<void> {
    try {
      for (const interval of this.o.candle_intervals) await this.fetchCandles(interval);
      await this.fetchTrades();
    } catch (err) {
      if (err instanceof Stopped) return;
      this.o.logger?.warn({ err: errorText(err) }, 'sync: market data fetch failed');
    }
  }

  private async fetchCandles(interval: CandleInterval): Promise<void> {
    const latest = this.o.ledger.latestCandleTime(interval);
    let before: number | undefined;
    for (let page = 0; page < CANDLE_PAGES_MAX; page++) {
      this.checkStopped();
      const { candles } = await this.o.client.getCandles({ interval, limit: CANDLE_PAGE, ...(before !== undefined ? { before } : {}) });
      if (candles.length === 0) return;
      // The cached latest bucket may have been partial: it is rewritten too.
      const fresh = latest === null ? candles : candles.filter((c) => c.time >= latest);
      this.o.ledger.upsertCandles(interval, fresh);
      const oldest = candles[0] as Candle;
      if (latest !== null && oldest.time <= latest) return;
      if (candles.length < CANDLE_PAGE) return;
      before = oldest.time;
    }
  }

  private async fetchTrades(): Promise<void> {
    let before: number | undefined;
    for (let page = 0; page < TRADE_PAGES_MAX; page++) {
      this.checkStopped();
      const { trades } = await this.o.client.getTrades({ limit: TRADE_PAGE, ...(before !== undefined ? { before } : {}) });
      if (trades.length === 0) return;
      const rows: CachedTrade[] = trades.map((t) => ({ trade_id: t.trade_id, time: t.time, price_usd: t.price, quantity: t.quantity, side: t.taker_side }));
      const inserted = this.o.ledger.insertTrades(rows);
      if (inserted < rows.length || trades.length < TRADE_PAGE) return; // reached what the cache has
      before = Math.min(...trades.map((t) => t.num));
    }
  }

  // ------------------------------------------------------------------ live

  private async openStream(): Promise<{ stream: SyncStream; inbox: Inbox }> {
    this.checkStopped();
    const stream = this.o.stream_factory();
    this.stream = stream;
    const inbox: Inbox = { events: [], refetch: false, closed: false, last_message_ms: this.o.timers.now_ms(), max_seq: 0 };
    const poke = () => this.wake?.();
    stream.on('event', (e) => {
      inbox.last_message_ms = this.o.timers.now_ms();
      const seq = (e as { seq?: unknown }).seq;
      if (typeof seq === 'number' && seq > inbox.max_seq) inbox.max_seq = seq;
      if (inbox.events.length < this.o.live_queue_max) inbox.events.push(e);
      else inbox.refetch = true; // overflow: REST will bring what was dropped
      poke();
    });
    stream.on('heartbeat', (hb) => {
      inbox.last_message_ms = this.o.timers.now_ms();
      if (hb.last_seq !== null) {
        this.platform_last_seq = Math.max(this.platform_last_seq, hb.last_seq);
        // Events already in the inbox (not yet ingested) are not missing: no refetch for them.
        if (hb.last_seq > Math.max(this.o.ledger.cursorSeq(), inbox.max_seq)) inbox.refetch = true;
      }
      poke();
    });
    stream.on('close', () => {
      inbox.closed = true;
      poke();
    });
    stream.on('error', (err) => {
      // A refused or unparseable message: a later gap or heartbeat brings the event via REST.
      this.o.logger?.warn({ err: errorText(err) }, 'sync: stream error');
      inbox.refetch = true;
      poke();
    });
    const hello = await stream.connect();
    inbox.last_message_ms = this.o.timers.now_ms();
    if (hello.last_seq !== null && hello.last_seq > this.o.ledger.cursorSeq()) {
      this.platform_last_seq = Math.max(this.platform_last_seq, hello.last_seq);
      inbox.refetch = true;
    }
    return { stream, inbox };
  }

  private async live({ inbox }: { stream: SyncStream; inbox: Inbox }): Promise<void> {
    const ledger = this.o.ledger;
    while (!this.stopped) {
      if (inbox.events.length > 0) {
        const events = inbox.events.splice(0);
        const r = ledger.ingest(events);
        if (r.gap) inbox.refetch = true;
        for (const e of events) {
          const seq = (e as { seq?: unknown }).seq;
          if (typeof seq === 'number') this.platform_last_seq = Math.max(this.platform_last_seq, seq);
        }
        this.noteSynced();
      }
      if (inbox.refetch) {
        inbox.refetch = false;
        this.setState('syncing');
        await this.catchUp();
        this.setState('online');
      }
      if (inbox.closed) throw new Error('stream closed by the platform or the network');
      const silent_ms = this.o.timers.now_ms() - inbox.last_message_ms;
      if (silent_ms > this.o.heartbeat_timeout_ms) throw new Error(`no heartbeat for ${silent_ms} ms`);
      if (inbox.events.length === 0 && !inbox.refetch) await this.sleep(Math.max(10, Math.min(1000, this.o.heartbeat_timeout_ms / 4)));
    }
  }

  private async closeStream(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    if (!s) return;
    try {
      await s.close();
    } catch (err) {
      this.o.logger?.warn({ err: errorText(err) }, 'sync: closing the stream failed');
    }
  }
}

interface Inbox {
  events: unknown[];
  refetch: boolean;
  closed: boolean;
  last_message_ms: number;
  /** Highest seq received on the stream (a heartbeat up to it is not a gap). */
  max_seq: number;
}

export function createSyncEngine(opts: SyncEngineOptions): SyncEngine {
  return new Engine(opts);
}
