// The core's shared machinery, used by every part (accounts, periods, cash, orders, market
// data): transactions and group commit, the per-account event log, balance moves, the
// in-memory book and what listeners hear after a commit.
//
// Every public mutating method runs in ONE transaction: the change, the events it emits
// (seq per account, no gaps) and the balances commit together or not at all. After commit
// the listeners (WebSocket fan-out) hear what happened. Single writer: one core per store;
// the order book is held in memory and rebuilt from the open orders on start, and again if
// a transaction ever fails.
import type { AccountEvent } from '../../shared/platform/events.js';
import { AccountEvent as AccountEventSchema } from '../../shared/platform/events.js';
import { Aggregates } from './aggregates.js';
import { OrderBook } from './book.js';
import { notFound } from './errors.js';
import type { PlatformStore } from './store.js';
import { MAX_CACHED_SEQS, type AccountRow, type CoreMessage, type EventBody, type PlanConfig, type PlatformConfig } from './types.js';
import { assert, isoFromMs, lotsToQty, ticksToPrice } from './units.js';

export class CoreKernel {
  /** The live book; replaced wholesale by reloadBook(). */
  book = new OrderBook();
  book_seq = 0;
  last_trade_ticks: number | null = null;
  next_expiry_ms = Number.POSITIVE_INFINITY;
  /** Number of the next order row; undefined until read, and again after any failed transaction. */
  next_order_num: number | undefined;
  readonly aggregates = new Aggregates();
  /** Run after every commit in paranoid mode (invariants.ts). */
  check: () => void = () => {};
  private pending: CoreMessage[] = [];
  private listeners = new Set<(m: CoreMessage) => void>();
  private closed = false;
  private batching = false;
  /** Events emitted in the current transaction body, written at its end by flushEvents(). */
  private unwritten_events: [string, number, string][] = [];
  private seqs = new Map<string, number>();
  private book_reset_pending = false;

  constructor(
    readonly store: PlatformStore,
    readonly config: PlatformConfig,
    readonly now_ms: () => number,
  ) {}

  onMessage(listener: (m: CoreMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(m: CoreMessage): void {
    this.pending.push(m);
  }

  /**
   * Runs fn in one transaction; publishes what it produced only after commit. Inside
   * batch() it runs in a savepoint instead: a refusal undoes only this call.
   */
  tx<T>(fn: () => T): T {
    assert(!this.closed, 'platform core is closed');
    if (this.batching) return this.savepoint(fn);
    assert(this.pending.length === 0, 'nested core transaction');
    const mutations = this.book.mutations;
    let result: T;
    try {
      result = this.store.transaction(this.withFlush(fn, true));
    } catch (err) {
      this.forgetUncommitted();
      // The book may hold half of a failed match: rebuild it from what was committed.
      if (this.book.mutations !== mutations) this.reloadBook(true);
      throw err;
    }
    this.afterCommit();
    return result;
  }

  private savepoint<T>(fn: () => T): T {
    const mark = this.pending.length;
    const mutations = this.book.mutations;
    // Candle and totals aggregates are written once per batch: keep what this savepoint
    // started from, to put back if it fails.
    const aggregates = this.aggregates.snapshot();
    const unwritten = this.unwritten_events.length;
    try {
      return this.store.transaction(this.withFlush(fn, false));
    } catch (err) {
      this.aggregates.restore(aggregates);
      this.unwritten_events.length = unwritten;
      this.pending.length = mark;
      this.seqs.clear();
      this.next_order_num = undefined;
      if (this.book.mutations !== mutations) this.reloadBook(false);
      throw err;
    }
  }

  /**
   * Group commit: runs fn (which calls core methods, each in its own savepoint) in ONE
   * transaction, so a burst of requests pays for one commit. The HTTP layer sends the
   * responses only after this returns, i.e. after the commit.
   */
  batch<T>(fn: () => T): T {
    assert(!this.closed, 'platform core is closed');
    assert(!this.batching && this.pending.length === 0, 'nested batch');
    this.batching = true;
    let result: T;
    try {
      result = this.store.transaction(this.withFlush(fn, true));
    } catch (err) {
      this.forgetUncommitted();
      this.reloadBook(true);
      throw err;
    } finally {
      this.batching = false;
    }
    this.afterCommit();
    return result;
  }

  /** After a rolled-back transaction: drop every in-memory value derived from its writes. */
  private forgetUncommitted(): void {
    this.pending = [];
    this.seqs.clear();
    this.next_order_num = undefined;
    this.aggregates.drop();
    this.unwritten_events.length = 0;
  }

  /**
   * Wraps a transaction body: its events are written at its end (in the same transaction or
   * savepoint), and with `aggregates` the candle and totals updates too. Inside a batch the
   * savepoints leave the aggregates to the batch's own flush: one set of upserts per commit.
   */
  private withFlush<T>(fn: () => T, aggregates: boolean): () => T {
    return () => {
      const r = fn();
      this.flushEvents();
      if (aggregates) this.aggregates.flush(this.store);
      return r;
    };
  }

  /** Reads of candles or totals inside a batch must see the aggregates accumulated so far. */
  flushAggregatesForRead(): void {
    if (this.store.inTransaction() && this.aggregates.pending) this.aggregates.flush(this.store);
  }

  private flushEvents(): void {
    if (this.unwritten_events.length === 0) return;
    this.store.insertEvents(this.unwritten_events);
    this.unwritten_events.length = 0;
  }

  private afterCommit(): void {
    if (this.book_reset_pending) {
      this.book_reset_pending = false;
      this.book.discardChanges();
      this.book_seq++;
      this.pending.push({ kind: 'book_reset', seq: this.book_seq });
    }
    const changes = this.book.drainChanges();
    if (changes.length > 0) {
      this.book_seq++;
      this.pending.push({
        kind: 'book_delta',
        seq: this.book_seq,
        changes: changes.map((c) => ({ side: c.side, price: ticksToPrice(c.price), quantity: lotsToQty(c.total) })),
      });
    }
    const out = this.pending;
    this.pending = [];
    if (this.config.paranoid) this.check();
    // Listeners (the WebSocket fan-out) hear of a commit only once it is durable. With a
    // write-behind store that is after its flush; if the flush fails, nothing is announced.
    const durable = this.store.durable();
    if (durable === null) this.deliver(out);
    else durable.then(() => this.deliver(out), () => undefined);
  }

  private deliver(out: CoreMessage[]): void {
    for (const m of out) for (const l of this.listeners) l(m);
  }

  /** Rebuilds the in-memory book from the open orders in the store (as the current transaction sees them). */
  reloadBook(publish = true): void {
    const fresh = new OrderBook();
    for (const r of this.store.openOrders()) {
      assert(r.price_ticks !== null, 'open order without a price');
      fresh.add({ num: r.num, account: r.account_id, side: r.side, price: r.price_ticks, remaining: r.qty_lots - r.filled_lots, live: true });
    }
    fresh.discardChanges();
    this.book = fresh;
    this.next_expiry_ms = this.store.nextExpiryMs() ?? Number.POSITIVE_INFINITY;
    // Subscribers cannot apply deltas across a rebuild: they get a fresh snapshot.
    this.book_reset_pending = true;
    if (publish) {
      this.book_reset_pending = false;
      this.book_seq++;
      const m: CoreMessage = { kind: 'book_reset', seq: this.book_seq };
      for (const l of this.listeners) l(m);
    }
  }

  /**
   * Highest event seq of an account, cached: the events table is the truth (seq is its key),
   * the cache is dropped whenever a transaction or savepoint fails.
   */
  seqOf(account_id: string): number {
    const cached = this.seqs.get(account_id);
    if (cached !== undefined) return cached;
    if (!this.store.accountExists(account_id)) throw notFound('account_not_found', 'no such account');
    this.flushEvents(); // max(seq) must see the events this transaction emitted so far
    const s = this.store.maxSeq(account_id);
    if (this.seqs.size >= MAX_CACHED_SEQS) this.seqs.clear();
    this.seqs.set(account_id, s);
    return s;
  }

  emit(account_id: string, body: EventBody): AccountEvent {
    const seq = this.seqOf(account_id) + 1;
    this.seqs.set(account_id, seq);
    const ev = { id: `evt_${account_id}_${seq}`, seq, account_id, time: isoFromMs(this.now_ms()), ...body } as AccountEvent;
    if (this.config.paranoid) AccountEventSchema.parse(ev);
    const json = JSON.stringify(ev);
    this.unwritten_events.push([account_id, seq, json]);
    this.pending.push({ kind: 'event', account_id, seq, json });
    return ev;
  }

  account(account_id: string): AccountRow {
    const a = this.store.account(account_id);
    if (!a) throw notFound('account_not_found', 'no such account');
    return a;
  }

  move(account_id: string, usd: number, usd_reserved: number, tok: number, tok_reserved: number): void {
    assert(this.store.moveBalances(account_id, usd, usd_reserved, tok, tok_reserved), `balance move for unknown account ${account_id}`);
  }

  plan(id: string): PlanConfig {
    const p = this.store.plan(id);
    assert(p, `unknown plan ${id}`);
    return p;
  }

  close(): void | Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    return this.store.close();
  }
}
