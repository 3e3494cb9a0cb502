// The PostgreSQL engine (docs/PLATFORM.md "PostgreSQL"). The core is synchronous and reads
// inside its transactions; pg is asynchronous. So the single writer keeps a synchronous
// working copy, an in-memory SQLite database with the same schema loaded from PostgreSQL at
// start, runs the unchanged core against it, and journals every change (pg-journal.ts).
// The journal is written to PostgreSQL in ONE transaction per flush; durable() resolves once
// everything committed so far is in PostgreSQL, and the HTTP layer (group commit) and the
// WebSocket fan-out wait for it: nothing is answered or announced before PostgreSQL has it.
//
// Fail-stop: when a flush fails (connection lost, a unique key another writer already used),
// the working copy may be ahead of the truth, so the store refuses every further read and
// write (503) and reports the failure; the process then exits or reopens from PostgreSQL.
import type pg from 'pg';
import { EVENTS_NOTIFY_CHANNEL, migratePostgres, openPool, storeUnavailable, takeWriterLock, WRITER_LOCK_WAIT_MS } from './pg-connect.js';
import { compileJournal, tableColumns, TABLE_ORDER, type JournalOp, type Statement } from './pg-journal.js';
import type { Side } from './book.js';
import type { StoredRequest } from './store.js';
import { SqliteStore } from './store-sqlite.js';
import type { OrderRow, PeriodRow, PlanConfig } from './types.js';
import { assert } from './units.js';

/** Rows per query when loading the working copy. */
const LOAD_PAGE_ROWS = 20_000;
/** Bound on the statement texts prepared per connection. */
const MAX_NAMED_STATEMENTS = 256;

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class PgStore extends SqliteStore {
  private ops: JournalOp[] = [];
  /** Journal entries handed to flushes so far, and those PostgreSQL committed. */
  private cut_total = 0;
  private flushed_total = 0;
  private waiters: Waiter[] = [];
  private flushing = false;
  private scheduled = false;
  private failure: unknown = null;
  private failureListeners: ((e: unknown) => void)[] = [];
  private statementNames = new Map<string, string>();
  /** Flushes committed (diagnostics and benchmarks). */
  flushes = 0;

  private constructor(
    readonly pool: pg.Pool,
    private readonly lock: pg.PoolClient,
  ) {
    super(':memory:');
  }

  /**
   * Connects, migrates, takes the writer lock, and loads the working copy from one
   * consistent snapshot. A second writer on the same store is refused at start: two working
   * copies would each believe they hold the truth. Should the lock's session die while this
   * writer runs, it fails stop (lockLost); and were two writers ever to run, their flushes
   * would collide on PostgreSQL's unique keys and the loser would fail stop.
   */
  static async open(url: string, opts: { lock_wait_ms?: number } = {}): Promise<PgStore> {
    const wait_ms = opts.lock_wait_ms ?? WRITER_LOCK_WAIT_MS;
    assert(Number.isSafeInteger(wait_ms) && wait_ms >= 0 && wait_ms <= 600_000, 'lock_wait_ms in 0..600000');
    const pool = openPool(url);
    let lock: pg.PoolClient | undefined;
    let store: PgStore | undefined;
    try {
      await migratePostgres(pool);
      lock = await pool.connect();
      if (!(await takeWriterLock(lock, wait_ms))) {
        throw new Error(`another platform writer holds this PostgreSQL store (waited ${wait_ms} ms; one writer per database schema; run further API processes as readers with --writer-url)`);
      }
      store = new PgStore(pool, lock);
      // The lock's session is checked out for good, so its errors (the server restarting or
      // shutting down) come here, not to the pool: the lock may be gone, so stop writing.
      const locked = store;
      lock.on('error', (e) => locked.lockLost(e));
      await store.load();
      return store;
    } catch (e) {
      store?.db.close();
      lock?.release(true); // closing the session drops the lock
      await pool.end();
      throw e;
    }
  }

  /** Copies every table into the working copy, page by page (no second copy of the data in memory). */
  private async load(): Promise<void> {
    const client = await this.pool.connect();
    // The working copy is nobody's yet: its transaction may stay open across the awaits.
    this.db.exec('BEGIN');
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for (const table of TABLE_ORDER) {
        const cols = tableColumns(table);
        const insert = this.db.prepare(`INSERT OR REPLACE INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
        const paged = table === 'events' || table === 'trades' || table === 'orders' || table === 'accounts';
        if (!paged) {
          for (const r of (await client.query<unknown[]>({ text: `SELECT ${cols.join(', ')} FROM ${table}`, rowMode: 'array' })).rows) insert.run(r);
          continue;
        }
        for (let after = 0; ; ) {
          const page = await client.query<unknown[]>({ text: `SELECT num, ${cols.join(', ')} FROM ${table} WHERE num > $1 ORDER BY num LIMIT ${LOAD_PAGE_ROWS}`, values: [after], rowMode: 'array' });
          for (const r of page.rows) insert.run(r.slice(1));
          if (page.rows.length < LOAD_PAGE_ROWS) break;
          after = page.rows.at(-1)![0] as number;
        }
      }
      await client.query('COMMIT');
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  }

  // -- durability -----------------------------------------------------------------------

  override durable(): Promise<void> {
    if (this.failure) return Promise.reject(storeUnavailable(this.failure));
    const target = this.cut_total + this.ops.length;
    if (target <= this.flushed_total) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ target, resolve, reject });
      this.schedule();
    });
  }

  /** Called once if a flush fails (the store then refuses everything). */
  onFailure(listener: (e: unknown) => void): void {
    this.failureListeners.push(listener);
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** Waits until everything committed is in PostgreSQL, then releases the connections. */
  private async end(): Promise<void> {
    try {
      if (!this.failure) await this.durable();
    } finally {
      if (this.db.open) this.db.close();
      this.lock.release(true); // closing the session drops the writer lock
      await this.pool.end();
    }
  }

  private ending: Promise<void> | null = null;

  /** Flushes what is left, then releases the connections (once, however often it is called). */
  override close(): Promise<void> {
    this.ending ??= this.end();
    return this.ending;
  }

  private schedule(): void {
    if (this.scheduled || this.flushing || this.failure) return;
    this.scheduled = true;
    setImmediate(() => void this.flushLoop());
  }

  private async flushLoop(): Promise<void> {
    this.scheduled = false;
    if (this.flushing) return;
    this.flushing = true;
    try {
      // Each pass takes everything journaled so far: while PostgreSQL commits one flush the
      // core keeps working in memory, and the next flush carries all of that at once.
      while (this.ops.length > 0 && !this.failure) {
        assert(!this.db.inTransaction, 'journal cut inside a transaction');
        const ops = this.ops;
        this.ops = [];
        this.cut_total += ops.length;
        const target = this.cut_total;
        await this.write(compileJournal(this.db, ops, EVENTS_NOTIFY_CHANNEL));
        this.flushes++;
        this.flushed_total = target;
        const ready = this.waiters.filter((w) => w.target <= target);
        this.waiters = this.waiters.filter((w) => w.target > target);
        for (const w of ready) w.resolve();
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.flushing = false;
    }
  }

  /** Writes one flush atomically: one statement alone (the usual case, one round trip), else in a transaction. */
  private async write(statements: Statement[]): Promise<void> {
    const client = await this.pool.connect();
    const several = statements.length > 1;
    let broken = false;
    try {
      if (several) await client.query('BEGIN');
      for (const s of statements) await client.query({ ...this.named(s.text), text: s.text, values: s.values });
      if (several) await client.query('COMMIT');
    } catch (e) {
      broken = true;
      if (several) await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** Named statements are parsed and planned once per connection; the texts are few (one per set of touched tables). */
  private named(text: string): { name?: string } {
    let name = this.statementNames.get(text);
    if (!name && this.statementNames.size < MAX_NAMED_STATEMENTS) this.statementNames.set(text, (name = `j${this.statementNames.size}`));
    return name ? { name } : {};
  }

  private fail(e: unknown): void {
    if (this.failure) return;
    this.failure = e ?? new Error('flush failed');
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(storeUnavailable(this.failure));
    for (const l of this.failureListeners) l(this.failure);
  }

  /** The writer lock's session failed: another writer could start, so this one stops. */
  lockLost(e: unknown): void {
    if (this.ending) return; // closing: the session ends by design
    this.fail(new Error(`lost the writer lock's PostgreSQL session: ${(e as Error).message}`));
  }

  private assertServing(): void {
    if (this.failure) throw storeUnavailable(this.failure);
  }

  private log(op: JournalOp): void {
    this.ops.push(op);
    this.schedule();
  }

  // -- transactions: a rolled-back transaction or savepoint takes its journal entries along --

  override transaction<T>(fn: () => T): T {
    this.assertServing();
    const ops = this.ops;
    const mark = ops.length;
    try {
      return super.transaction(fn);
    } catch (e) {
      assert(this.ops === ops, 'journal cut inside a transaction');
      ops.length = mark;
      throw e;
    }
  }

  override read<T>(fn: () => T): T {
    this.assertServing(); // never serve reads from a copy that may be ahead of the truth
    return super.read(fn);
  }

  // -- journaled writes: the working copy first (its checks and ids), then the journal --------

  override setMeta(key: string, value: string): void {
    this.assertServing();
    super.setMeta(key, value);
    this.log({ t: 'meta', key });
  }

  override insertPlanIfAbsent(p: PlanConfig): void {
    this.assertServing();
    super.insertPlanIfAbsent(p);
    this.log({ t: 'plan', id: p.id });
  }

  override insertAccount(kind: 'user' | 'sim', plan_id: string, created_ms: number): string {
    const id = super.insertAccount(kind, plan_id, created_ms);
    this.log({ t: 'account', id });
    return id;
  }

  override moveBalances(id: string, usd: number, usd_reserved: number, tok: number, tok_reserved: number): boolean {
    const ok = super.moveBalances(id, usd, usd_reserved, tok, tok_reserved);
    if (ok) this.log({ t: 'account', id });
    return ok;
  }

  override insertApiKey(key_id: string, account_id: string, sealed_secret: string, created_ms: number): void {
    super.insertApiKey(key_id, account_id, sealed_secret, created_ms);
    this.log({ t: 'api_key', row: [key_id, account_id, sealed_secret, created_ms] });
  }

  override insertEvents(rows: [string, number, string][]): void {
    super.insertEvents(rows);
    // Copied: the kernel reuses its array.
    for (const r of rows) this.ops.push({ t: 'event', row: [r[0], r[1], r[2]] });
    this.schedule();
  }

  override insertPeriod(p: Omit<PeriodRow, 'used_lots' | 'redeemed_lots' | 'status' | 'unused_lots'>): void {
    super.insertPeriod(p);
    this.log({ t: 'period', id: p.id });
  }

  override closePeriod(id: string, unused_lots: number): void {
    super.closePeriod(id, unused_lots);
    this.log({ t: 'period', id });
  }

  override setElection(id: string, election: PeriodRow['election']): void {
    super.setElection(id, election);
    this.log({ t: 'period', id });
  }

  override addUsedLots(id: string, lots: number): void {
    super.addUsedLots(id, lots);
    this.log({ t: 'period', id });
  }

  override addRedeemedLots(id: string, lots: number): void {
    super.addRedeemedLots(id, lots);
    this.log({ t: 'period', id });
  }

  override pruneRequests(before_ms: number): void {
    super.pruneRequests(before_ms);
    this.log({ t: 'prune_requests', before_ms });
  }

  override insertRequest(account_id: string, request_id: string, r: StoredRequest, created_ms: number): void {
    super.insertRequest(account_id, request_id, r, created_ms);
    this.log({ t: 'request', row: [account_id, request_id, r.kind, r.body, r.response, created_ms] });
  }

  override claimSignature(timestamp_ms: number, signature: Buffer): boolean {
    const fresh = super.claimSignature(timestamp_ms, signature);
    if (fresh) this.log({ t: 'signature', row: [timestamp_ms, Buffer.from(signature)] });
    return fresh;
  }

  override pruneSignatures(before_ms: number): number {
    this.assertServing();
    const n = super.pruneSignatures(before_ms);
    this.log({ t: 'prune_signatures', before_ms });
    return n;
  }

  override insertOrder(o: OrderRow): void {
    super.insertOrder(o);
    this.log({ t: 'order', num: o.num });
  }

  override updateOrderState(num: number, o: Parameters<SqliteStore['updateOrderState']>[1]): void {
    super.updateOrderState(num, o);
    this.log({ t: 'order', num });
  }

  override insertTrade(time_ms: number, price_ticks: number, qty_lots: number, taker_side: Side, maker_order: number | null, taker_order: number | null): number {
    const num = super.insertTrade(time_ms, price_ticks, qty_lots, taker_side, maker_order, taker_order);
    this.log({ t: 'trade', row: [num, time_ms, price_ticks, qty_lots, taker_side, maker_order, taker_order] });
    return num;
  }

  override upsertCandles(candles: Parameters<SqliteStore['upsertCandles']>[0]): void {
    super.upsertCandles(candles);
    for (const c of candles) this.ops.push({ t: 'candle', interval: c.iv, bucket_s: c.bucket });
    this.schedule();
  }

  override addTotals(t: Parameters<SqliteStore['addTotals']>[0]): void {
    super.addTotals(t);
    this.log({ t: 'totals' });
  }
}
