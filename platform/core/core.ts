// PlatformCore: the platform's business logic over one SQLite store. No HTTP here.
// Every public mutating method runs in ONE SQLite transaction: the change, the events it
// emits (seq per account, no gaps) and the balances commit together or not at all.
// After commit the core tells its listeners (WebSocket fan-out) what happened.
//
// Single writer: one PlatformCore per database file. The order book is held in memory
// and rebuilt from the open orders on start, and again if a transaction ever fails.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { D, dec, toCanonical } from '../../shared/money.js';
import type { AccountEvent, Balances, CandleInterval, Ticker } from '../../shared/platform/events.js';
import { AccountEvent as AccountEventSchema } from '../../shared/platform/events.js';
import type {
  Account,
  BookSnapshot,
  CandlesPage,
  MarketInfo,
  Order,
  OrderRequest,
  Period,
  Plan,
  PublicTrade,
  Subscription,
} from '../../shared/platform/api.js';
import { SYMBOL, TOKEN_DISPLAY_NAME, TOKEN_SYMBOL } from '../../shared/platform/api.js';
import { OrderBook, type RestingOrder, type Side } from './book.js';
import { badRequest, conflict, notFound, PlatformError, unprocessable } from './errors.js';
import { migrate } from './schema.js';
import { SecretBox } from './secret-box.js';
import { openStoreFile } from './store-file.js';
import {
  assert,
  assertSafe,
  feeMicros,
  InvariantError,
  isoFromMs,
  LOT_SIZE,
  lotsToQty,
  MAX_BALANCE_MICROS,
  MAX_PRICE_TICKS,
  MAX_QUANTITY_LOTS,
  MAX_TOKEN_LOTS,
  microsToUsd,
  MIN_PRICE_TICKS,
  notionalMicros,
  priceToTicks,
  qtyToLots,
  TICK_SIZE,
  ticksToPrice,
  usdToMicros,
} from './units.js';

export interface PlanConfig {
  id: string;
  name: string;
  price_usd: string;
  credits: string;
  min_charge_usd: string;
}

export interface PlatformConfig {
  /** Billing period length. 30 days by default; `--period 10m` for demos. */
  period_ms: number;
  maker_fee_bps: number;
  taker_fee_bps: number;
  withdrawal_fee_usd: string;
  /** The plan new accounts get, and whose face value the ticker quotes. */
  default_plan: PlanConfig;
  /** Largest single deposit or withdrawal. */
  max_cash_request_usd: string;
  /** Validate every event with zod and check all invariants after every transaction (tests). */
  paranoid: boolean;
}

export const DEFAULT_PLAN: PlanConfig = {
  id: 'standard',
  name: 'Standard',
  price_usd: '20',
  credits: '1000',
  min_charge_usd: '0.01',
};

export const DEFAULT_CONFIG: PlatformConfig = {
  period_ms: 30 * 24 * 3600 * 1000,
  maker_fee_bps: 10,
  taker_fee_bps: 20,
  withdrawal_fee_usd: '0.25',
  default_plan: DEFAULT_PLAN,
  max_cash_request_usd: '10000000',
  paranoid: false,
};

export interface CoreOptions {
  db_path: string;
  /** File holding the key that seals API secrets at rest; default `<db_path>.secrets-key`. */
  secrets_key_file?: string;
  now_ms?: () => number;
  config?: Partial<PlatformConfig>;
  /** better-sqlite3 options of the host process (the desktop app passes its Electron-ABI
   *  `nativeBinding` when it embeds the demo platform). */
  sqlite_options?: Database.Options;
}

/** What listeners (the WebSocket layer) hear after a commit. */
export type CoreMessage =
  | { kind: 'event'; account_id: string; seq: number; json: string }
  | { kind: 'trade'; trade: PublicTrade }
  | { kind: 'book_delta'; seq: number; changes: { side: Side; price: string; quantity: string }[] }
  | { kind: 'book_reset'; seq: number };

export const CANDLE_SECONDS: Record<CandleInterval, number> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '4h': 14400,
  '1d': 86400,
};
const INTERVALS = Object.keys(CANDLE_SECONDS) as CandleInterval[];

/** Bounds on work per call. */
const MAX_PERIOD_CLOSES_PER_TICK = 10_000;
const MAX_EXPIRIES_PER_SWEEP = 1_000;
const MAX_CACHED_SEQS = 100_000;
const MAX_CACHED_KEYS = 100_000;
/** How long an idempotency key (request_id) of a deposit, withdrawal, usage or redemption is remembered. */
export const REQUEST_ID_TTL_MS = 7 * 24 * 3_600_000;
const OPEN_STATUSES = `('open', 'partially_filled')`;

interface AccountRow {
  num: number;
  id: string;
  kind: 'user' | 'sim';
  plan_id: string;
  created_ms: number;
  usd_total: number;
  usd_reserved: number;
  tok_total: number;
  tok_reserved: number;
}

interface PeriodRow {
  id: string;
  account_id: string;
  idx: number;
  starts_ms: number;
  ends_ms: number;
  price_usd: string;
  credits_lots: number;
  used_lots: number;
  redeemed_lots: number;
  face_value_usd: string;
  election: 'mint' | 'renewal_credit';
  status: 'open' | 'closed';
  unused_lots: number | null;
}

interface OrderRow {
  num: number;
  id: string;
  account_id: string;
  client_order_id: string;
  request_hash: string;
  side: Side;
  type: 'limit' | 'market';
  price_ticks: number | null;
  protection_ticks: number | null;
  qty_lots: number;
  filled_lots: number;
  notional_micros: number;
  fees_micros: number;
  reserved_micros: number;
  reserved_lots: number;
  tif: 'GTC' | 'GTD' | 'IOC' | 'FOK';
  expire_ms: number | null;
  post_only: number;
  status: Order['status'];
  reason: string | null;
  created_ms: number;
  updated_ms: number;
}

interface TotalsRow {
  deposits_micros: number;
  withdrawals_micros: number;
  fees_micros: number;
  minted_lots: number;
  redeemed_lots: number;
}

type CandleAcc = { iv: CandleInterval; bucket: number; open: number; high: number; low: number; close: number; lots: number };
/** Most rows one multi-row event INSERT carries. */
const EVENTS_PER_INSERT = 16;

type EventBody = AccountEvent extends infer E ? (E extends AccountEvent ? Omit<E, 'id' | 'seq' | 'account_id' | 'time'> : never) : never;

/** Face value with 8 decimals (exact for sane plans such as 20 USD / 1000 credits = 0.02). */
function faceValue(plan: PlanConfig | Plan): string {
  return toCanonical(dec(plan.price_usd).div(dec(plan.credits)).toDecimalPlaces(8, D.ROUND_HALF_EVEN));
}

/** Credits × price / included credits, rounded to micros (exact for the demo plan). */
function creditValueUsd(lots: number, plan: PlanConfig): string {
  const v = new D(lots).div(100).mul(dec(plan.price_usd)).div(dec(plan.credits));
  return toCanonical(v.toDecimalPlaces(6, D.ROUND_HALF_EVEN));
}

/** Credits needed to hold a buy of `lots` at `limit` ticks, taker fee included. */
function buyReserve(lots: number, limit_ticks: number, taker_bps: number): number {
  const n = notionalMicros(limit_ticks, lots);
  return assertSafe(n + feeMicros(n, taker_bps), 'buy reserve');
}

export class PlatformCore {
  readonly db: Database.Database;
  /** Seals API secrets at rest (see secret-box.ts). */
  private readonly secrets: SecretBox;
  readonly config: PlatformConfig;
  readonly now_ms: () => number;
  /** The live book; replaced wholesale by reloadBook(). */
  book = new OrderBook();
  private book_seq = 0;
  private last_trade_ticks: number | null = null;
  private next_expiry_ms = Number.POSITIVE_INFINITY;
  private pending: CoreMessage[] = [];
  private listeners = new Set<(m: CoreMessage) => void>();
  private readonly runTx: (fn: () => unknown) => unknown;
  private readonly st: ReturnType<PlatformCore['prepare']>;
  private closed = false;
  private batching = false;
  private candle_acc = new Map<string, CandleAcc>();
  /** Events emitted in the current transaction body, written at its end by flushEvents(). */
  private unwritten_events: [string, number, string][] = [];
  private insertEvents: Database.Statement[] = [];
  private totals_acc: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  private totals_dirty = false;
  private seqs = new Map<string, number>();
  private keys = new Map<string, { account_id: string; secret: string }>();
  private book_reset_pending = false;
  /** Number of the next order row; undefined until read, and again after any failed transaction. */
  private next_order_num: number | undefined;

  constructor(opts: CoreOptions) {
    this.config = { ...DEFAULT_CONFIG, ...opts.config };
    this.now_ms = opts.now_ms ?? (() => Date.now());
    assert(this.config.maker_fee_bps <= this.config.taker_fee_bps, 'maker fee must not exceed taker fee (reservations use the taker rate)');
    assert(this.config.period_ms >= 1000, 'period_ms must be at least 1 s');
    this.db = openStoreFile(opts.db_path, opts.sqlite_options);
    try {
      migrate(this.db);
      this.secrets = opts.db_path === ':memory:' ? SecretBox.ephemeral() : SecretBox.forStore(this.db, opts.secrets_key_file ?? `${opts.db_path}.secrets-key`);
    } catch (e) {
      this.db.close(); // a refused start leaves no handle open
      throw e;
    }
    this.st = this.prepare();
    this.runTx = this.db.transaction((fn: () => unknown) => fn());
    this.ensurePlan(this.config.default_plan);
    this.reloadBook();
    const last = this.db.prepare(`SELECT price_ticks FROM trades ORDER BY num DESC LIMIT 1`).get() as { price_ticks: number } | undefined;
    this.last_trade_ticks = last?.price_ticks ?? null;
  }

  private prepare() {
    const db = this.db;
    return {
      accountById: db.prepare(`SELECT * FROM accounts WHERE id = ?`),
      maxSeq: db.prepare(`SELECT max(seq) FROM events WHERE account_id = ?`).pluck(),
      accountExists: db.prepare(`SELECT 1 FROM accounts WHERE id = ?`).pluck(),
      apiKey: db.prepare(`SELECT account_id, secret FROM api_keys WHERE key_id = ?`),
      moveBalances: db.prepare(
        `UPDATE accounts SET usd_total = usd_total + ?, usd_reserved = usd_reserved + ?, tok_total = tok_total + ?, tok_reserved = tok_reserved + ? WHERE id = ?`,
      ),
      eventsAfter: db.prepare(`SELECT json FROM events WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?`).pluck(),
      openPeriod: db.prepare(`SELECT * FROM periods WHERE account_id = ? AND status = 'open'`),
      duePeriods: db.prepare(`SELECT * FROM periods WHERE status = 'open' AND ends_ms <= ? ORDER BY ends_ms LIMIT ?`),
      insertPeriod: db.prepare(
        `INSERT INTO periods (id, account_id, idx, starts_ms, ends_ms, price_usd, credits_lots, face_value_usd, election, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
      ),
      orderByClientId: db.prepare(`SELECT * FROM orders WHERE account_id = ? AND client_order_id = ?`),
      orderByNum: db.prepare(`SELECT * FROM orders WHERE num = ?`),
      // An order is written once, after matching, with its final state (see placeOrder).
      insertOrder: db.prepare(
        `INSERT INTO orders (num, account_id, client_order_id, request_hash, side, type, price_ticks, protection_ticks, qty_lots, filled_lots, notional_micros, fees_micros, reserved_micros, reserved_lots, tif, expire_ms, post_only, status, reason, created_ms, updated_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      maxOrderNum: db.prepare(`SELECT coalesce(max(num), 0) FROM orders`).pluck(),
      updateOrder: db.prepare(
        `UPDATE orders SET filled_lots = ?, notional_micros = ?, fees_micros = ?, reserved_micros = ?, reserved_lots = ?, status = ?, reason = ?, updated_ms = ? WHERE num = ?`,
      ),
      insertTrade: db.prepare(
        `INSERT INTO trades (time_ms, price_ticks, qty_lots, taker_side, maker_order, taker_order) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      upsertCandle: db.prepare(
        `INSERT INTO candles (interval, bucket_s, open_ticks, high_ticks, low_ticks, close_ticks, volume_lots) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (interval, bucket_s) DO UPDATE SET high_ticks = max(high_ticks, excluded.high_ticks), low_ticks = min(low_ticks, excluded.low_ticks),
         close_ticks = excluded.close_ticks, volume_lots = volume_lots + excluded.volume_lots`,
      ),
      addTotals: db.prepare(
        `UPDATE totals SET deposits_micros = deposits_micros + ?, withdrawals_micros = withdrawals_micros + ?, fees_micros = fees_micros + ?, minted_lots = minted_lots + ?, redeemed_lots = redeemed_lots + ? WHERE id = 1`,
      ),
      gtdDue: db.prepare(`SELECT * FROM orders WHERE expire_ms IS NOT NULL AND expire_ms <= ? AND status IN ${OPEN_STATUSES} ORDER BY expire_ms LIMIT ?`),
      nextExpiry: db.prepare(`SELECT min(expire_ms) FROM orders WHERE expire_ms IS NOT NULL AND status IN ${OPEN_STATUSES}`).pluck(),
      plan: db.prepare(`SELECT * FROM plans WHERE id = ?`),
      volumeSince: db.prepare(`SELECT coalesce(sum(volume_lots), 0) FROM candles WHERE interval = '1m' AND bucket_s >= ?`).pluck(),
    };
  }

  // ---------------------------------------------------------------- plumbing

  onMessage(listener: (m: CoreMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs fn in one transaction; publishes what it produced only after commit. Inside
   * batch() it runs in a savepoint instead: a refusal undoes only this call.
   */
  private tx<T>(fn: () => T): T {
    assert(!this.closed, 'platform core is closed');
    if (this.batching) {
      const mark = this.pending.length;
      const mutations = this.book.mutations;
      try {
        // Candle and totals aggregates are written once per batch (see flushAggregates): keep
        // what this savepoint started from, to put back if it fails.
        const aggregates = this.snapshotAggregates();
        const unwritten = this.unwritten_events.length;
        try {
          return this.runTx(this.withFlush(fn, false)) as T; // nested: better-sqlite3 uses a SAVEPOINT
        } catch (err) {
          this.restoreAggregates(aggregates);
          this.unwritten_events.length = unwritten;
          throw err;
        }
      } catch (err) {
        this.pending.length = mark;
        this.seqs.clear();
        this.next_order_num = undefined;
        if (this.book.mutations !== mutations) this.reloadBook(false);
        throw err;
      }
    }
    assert(this.pending.length === 0, 'nested core transaction');
    const mutations = this.book.mutations;
    let result: T;
    try {
      result = this.runTx(this.withFlush(fn, true)) as T;
    } catch (err) {
      this.forgetUncommitted();
      // The book may hold half of a failed match: rebuild it from what was committed.
      if (this.book.mutations !== mutations) this.reloadBook(true);
      throw err;
    }
    this.afterCommit();
    return result;
  }

  /** After a rolled-back transaction: drop every in-memory value derived from its writes. */
  private forgetUncommitted(): void {
    this.pending = [];
    this.seqs.clear();
    this.next_order_num = undefined;
    this.dropAccumulated();
  }

  /**
   * Group commit: runs fn (which calls core methods, each in its own savepoint) in ONE
   * SQLite transaction, so a burst of requests pays for one commit. The HTTP layer sends
   * the responses only after this returns, i.e. after the commit.
   */
  batch<T>(fn: () => T): T {
    assert(!this.closed, 'platform core is closed');
    assert(!this.batching && this.pending.length === 0, 'nested batch');
    this.batching = true;
    let result: T;
    try {
      result = this.runTx(this.withFlush(fn, true)) as T;
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
    if (this.config.paranoid) this.checkInvariants();
    for (const m of out) for (const l of this.listeners) l(m);
  }

  /** Rebuilds the in-memory book from the open orders in the store (as the current transaction sees them). */
  reloadBook(publish = true): void {
    const fresh = new OrderBook();
    const rows = this.db
      .prepare(`SELECT num, account_id, side, price_ticks, qty_lots, filled_lots FROM orders WHERE status IN ${OPEN_STATUSES} ORDER BY num`)
      .all() as Pick<OrderRow, 'num' | 'account_id' | 'side' | 'price_ticks' | 'qty_lots' | 'filled_lots'>[];
    for (const r of rows) {
      assert(r.price_ticks !== null, 'open order without a price');
      fresh.add({ num: r.num, account: r.account_id, side: r.side, price: r.price_ticks, remaining: r.qty_lots - r.filled_lots, live: true });
    }
    fresh.discardChanges();
    this.book = fresh;
    this.next_expiry_ms = (this.st.nextExpiry.get() as number | null) ?? Number.POSITIVE_INFINITY;
    // Subscribers cannot apply deltas across a rebuild: they get a fresh snapshot.
    this.book_reset_pending = true;
    if (publish) {
      const listeners = this.listeners;
      this.book_reset_pending = false;
      this.book_seq++;
      const m: CoreMessage = { kind: 'book_reset', seq: this.book_seq };
      for (const l of listeners) l(m);
    }
  }

  /**
   * Highest event seq of an account, cached: the events table is the truth (seq is its key),
   * the cache is dropped whenever a transaction or savepoint fails.
   */
  private seqOf(account_id: string): number {
    const cached = this.seqs.get(account_id);
    if (cached !== undefined) return cached;
    if (this.st.accountExists.get(account_id) === undefined) throw notFound('account_not_found', 'no such account');
    this.flushEvents(); // max(seq) must see the events this transaction emitted so far
    const s = (this.st.maxSeq.get(account_id) as number | null) ?? 0;
    if (this.seqs.size >= MAX_CACHED_SEQS) this.seqs.clear();
    this.seqs.set(account_id, s);
    return s;
  }

  private emit(account_id: string, body: EventBody): AccountEvent {
    const seq = this.seqOf(account_id) + 1;
    this.seqs.set(account_id, seq);
    const ev = { id: `evt_${account_id}_${seq}`, seq, account_id, time: isoFromMs(this.now_ms()), ...body } as AccountEvent;
    if (this.config.paranoid) AccountEventSchema.parse(ev);
    const json = JSON.stringify(ev);
    this.unwritten_events.push([account_id, seq, json]);
    this.pending.push({ kind: 'event', account_id, seq, json });
    return ev;
  }

  private account(account_id: string): AccountRow {
    const a = this.st.accountById.get(account_id) as AccountRow | undefined;
    if (!a) throw notFound('account_not_found', 'no such account');
    return a;
  }

  private move(account_id: string, usd: number, usd_reserved: number, tok: number, tok_reserved: number): void {
    const r = this.st.moveBalances.run(usd, usd_reserved, tok, tok_reserved, account_id);
    assert(r.changes === 1, `balance move for unknown account ${account_id}`);
  }

  private plan(id: string): PlanConfig {
    const p = this.st.plan.get(id) as PlanConfig | undefined;
    assert(p, `unknown plan ${id}`);
    return p;
  }

  private ensurePlan(p: PlanConfig): void {
    assert(dec(p.price_usd).gt(dec(p.min_charge_usd)), 'plan price must exceed its minimum charge');
    assert(qtyToLots(p.credits) !== null && dec(p.credits).gt(0), 'plan credits must be positive with at most 2 decimals');
    this.db
      .prepare(`INSERT INTO plans (id, name, price_usd, credits, min_charge_usd) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
      .run(p.id, p.name, p.price_usd, p.credits, p.min_charge_usd);
  }

  /** Adds a plan (e.g. the simulator's bulk plan). Idempotent by id. */
  createPlan(p: PlanConfig): void {
    this.tx(() => this.ensurePlan(p));
  }

  // ---------------------------------------------------------------- accounts and keys

  createAccount(opts: { plan_id?: string; start_ms?: number; kind?: 'user' | 'sim' } = {}): { account_id: string } {
    return this.tx(() => {
      const plan = this.plan(opts.plan_id ?? this.config.default_plan.id);
      const now = this.now_ms();
      const info = this.db
        .prepare(`INSERT INTO accounts (id, kind, plan_id, created_ms) VALUES (?, ?, ?, ?)`)
        .run(`tmp_${randomBytes(8).toString('hex')}`, opts.kind ?? 'user', plan.id, now);
      const num = Number(info.lastInsertRowid);
      const account_id = `acc_${num}`;
      this.db.prepare(`UPDATE accounts SET id = ? WHERE num = ?`).run(account_id, num);
      this.openPeriod(account_id, plan, 0, opts.start_ms ?? now, plan.price_usd);
      return { account_id };
    });
  }

  createApiKey(account_id: string): { key_id: string; secret: string } {
    return this.tx(() => {
      this.account(account_id);
      const key_id = `key_${randomBytes(12).toString('hex')}`;
      const secret = randomBytes(32).toString('hex');
      this.db.prepare(`INSERT INTO api_keys (key_id, account_id, secret, created_ms) VALUES (?, ?, ?, ?)`).run(key_id, account_id, this.secrets.seal(secret), this.now_ms());
      return { key_id, secret };
    });
  }

  /** The secret is returned only to the authenticator; it is never logged or served. */
  apiKey(key_id: string): { account_id: string; secret: string } | null {
    const hit = this.keys.get(key_id);
    if (hit) return hit;
    const stored = this.st.apiKey.get(key_id) as { account_id: string; secret: string } | undefined;
    if (!stored) return null;
    const row = { account_id: stored.account_id, secret: this.secrets.open(stored.secret) };
    // Keys are never revoked yet, so the cache cannot go stale; bounded all the same.
    if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
    this.keys.set(key_id, row);
    return row;
  }

  getAccount(account_id: string): Account {
    const a = this.account(account_id);
    return { account_id: a.id, created_at: isoFromMs(a.created_ms), plan: this.planView(this.plan(a.plan_id)), last_seq: this.seqOf(a.id) };
  }

  private planView(p: PlanConfig): Plan {
    return { id: p.id, name: p.name, price_usd: p.price_usd, credits: p.credits, face_value_usd: faceValue(p), min_charge_usd: p.min_charge_usd };
  }

  // ---------------------------------------------------------------- periods

  private openPeriod(account_id: string, plan: PlanConfig, idx: number, starts_ms: number, price_usd: string): void {
    const ends_ms = assertSafe(starts_ms + this.config.period_ms, 'period end');
    const id = `per_${account_id}_${idx}`;
    const credits_lots = qtyToLots(plan.credits);
    assert(credits_lots !== null, 'plan credits not in lots');
    const face = faceValue(plan);
    this.st.insertPeriod.run(id, account_id, idx, starts_ms, ends_ms, price_usd, credits_lots, face, 'mint');
    this.emit(account_id, {
      type: 'period_open',
      period_id: id,
      plan_id: plan.id,
      price_usd,
      credits: plan.credits,
      face_value_usd: face,
      starts_at: isoFromMs(starts_ms),
      ends_at: isoFromMs(ends_ms),
    });
  }

  private currentPeriod(account_id: string): PeriodRow {
    this.closeDuePeriods(account_id);
    const p = this.st.openPeriod.get(account_id) as PeriodRow | undefined;
    assert(p, `account ${account_id} has no open period`);
    return p;
  }

  /** Closes every period of `account_id` (or of everyone) whose end has passed. */
  private closeDuePeriods(account_id?: string): number {
    let closed = 0;
    for (;;) {
      const now = this.now_ms();
      let due: PeriodRow[];
      if (account_id) {
        const p = this.st.openPeriod.get(account_id) as PeriodRow | undefined;
        due = p && p.ends_ms <= now ? [p] : [];
      } else {
        due = this.st.duePeriods.all(now, 100) as PeriodRow[];
      }
      if (due.length === 0) return closed;
      for (const p of due) {
        this.closePeriod(p);
        closed++;
      }
      // Bounded work per call: a long outage is caught up over the next ticks.
      if (closed >= MAX_PERIOD_CLOSES_PER_TICK) return closed;
    }
  }

  private closePeriod(p: PeriodRow): void {
    const acct = this.account(p.account_id);
    const plan = this.plan(acct.plan_id);
    const unused = p.credits_lots + p.redeemed_lots - p.used_lots;
    assert(unused >= 0, 'negative unused credits');
    this.db.prepare(`UPDATE periods SET status = 'closed', unused_lots = ? WHERE id = ?`).run(unused, p.id);
    this.emit(p.account_id, { type: 'period_close', period_id: p.id, unused_credits: lotsToQty(unused), election: p.election });
    let next_price = plan.price_usd;
    if (unused > 0 && p.election === 'mint') {
      assert(acct.tok_total + unused <= MAX_TOKEN_LOTS, 'token balance limit');
      this.move(p.account_id, 0, 0, unused, 0);
      this.addTotals(0, 0, 0, unused, 0);
      this.emit(p.account_id, {
        type: 'mint',
        period_id: p.id,
        tokens: lotsToQty(unused),
        face_value_usd: p.face_value_usd,
        market_price_usd: this.marketPrice(),
        allocated_cost_usd: creditValueUsd(unused, plan),
      });
    } else if (unused > 0) {
      const raw = dec(creditValueUsd(unused, plan));
      const price = dec(plan.price_usd);
      const floor = dec(plan.min_charge_usd);
      const next = D.max(price.minus(raw), floor);
      const credit = price.minus(next);
      const forfeited = raw.minus(credit);
      assert(credit.gte(0) && forfeited.gte(0) && next.gte(floor), 'renewal credit arithmetic');
      next_price = toCanonical(next);
      this.emit(p.account_id, {
        type: 'renewal_credit',
        period_id: p.id,
        credits: lotsToQty(unused),
        credit_usd: toCanonical(credit),
        forfeited_usd: toCanonical(forfeited),
        next_price_usd: next_price,
      });
    }
    this.openPeriod(p.account_id, plan, p.idx + 1, p.ends_ms, next_price);
  }

  private periodView(p: PeriodRow): Period {
    return {
      period_id: p.id,
      index: p.idx,
      starts_at: isoFromMs(p.starts_ms),
      ends_at: isoFromMs(p.ends_ms),
      price_usd: p.price_usd,
      credits: lotsToQty(p.credits_lots),
      used_credits: lotsToQty(p.used_lots),
      redeemed_credits: lotsToQty(p.redeemed_lots),
      available_credits: lotsToQty(p.credits_lots + p.redeemed_lots - p.used_lots),
      face_value_usd: p.face_value_usd,
      election: p.election,
      status: p.status,
    };
  }

  getSubscription(account_id: string): Subscription {
    return this.tx(() => {
      const acct = this.account(account_id);
      const plan = this.plan(acct.plan_id);
      const p = this.currentPeriod(account_id);
      const unused = p.credits_lots + p.redeemed_lots - p.used_lots;
      let estimate = plan.price_usd;
      if (p.election === 'renewal_credit' && unused > 0) {
        estimate = toCanonical(D.max(dec(plan.price_usd).minus(dec(creditValueUsd(unused, plan))), dec(plan.min_charge_usd)));
      }
      return { account_id, plan: this.planView(plan), current_period: this.periodView(p), estimated_next_price_usd: estimate };
    });
  }

  setElection(account_id: string, election: 'mint' | 'renewal_credit'): Subscription {
    this.tx(() => {
      const p = this.currentPeriod(account_id);
      if (p.election === election) return;
      this.db.prepare(`UPDATE periods SET election = ? WHERE id = ?`).run(election, p.id);
      this.emit(account_id, { type: 'election', period_id: p.id, election });
    });
    return this.getSubscription(account_id);
  }

  recordUsage(account_id: string, credits: string, request_id?: string): { period: Period; seq: number } {
    return this.tx(() => this.once(account_id, 'usage', request_id, { credits }, () => {
      const lots = this.lotsOrThrow(credits, 'credits');
      const p = this.currentPeriod(account_id);
      const available = p.credits_lots + p.redeemed_lots - p.used_lots;
      if (lots > available) {
        throw unprocessable('insufficient_credits', `usage of ${credits} credits exceeds the ${lotsToQty(available)} available this period`);
      }
      this.db.prepare(`UPDATE periods SET used_lots = used_lots + ? WHERE id = ?`).run(lots, p.id);
      const ev = this.emit(account_id, { type: 'usage', period_id: p.id, credits: lotsToQty(lots) });
      return { period: this.periodView({ ...p, used_lots: p.used_lots + lots }), seq: ev.seq };
    }));
  }

  redeem(account_id: string, tokens: string, request_id?: string): { period: Period; tokens: string; market_price_usd: string; seq: number } {
    return this.tx(() => this.once(account_id, 'redemption', request_id, { tokens }, () => {
      const lots = this.lotsOrThrow(tokens, 'tokens');
      const acct = this.account(account_id);
      const p = this.currentPeriod(account_id);
      if (lots > acct.tok_total - acct.tok_reserved) {
        throw unprocessable('insufficient_tokens', `redeeming ${tokens} tokens exceeds the ${lotsToQty(acct.tok_total - acct.tok_reserved)} available`);
      }
      this.move(account_id, 0, 0, -lots, 0);
      this.db.prepare(`UPDATE periods SET redeemed_lots = redeemed_lots + ? WHERE id = ?`).run(lots, p.id);
      this.addTotals(0, 0, 0, 0, lots);
      const market_price_usd = this.marketPrice();
      const ev = this.emit(account_id, {
        type: 'redemption',
        period_id: p.id,
        tokens: lotsToQty(lots),
        credits: lotsToQty(lots),
        market_price_usd,
      });
      return { period: this.periodView({ ...p, redeemed_lots: p.redeemed_lots + lots }), tokens: lotsToQty(lots), market_price_usd, seq: ev.seq };
    }));
  }

  /**
   * Runs a mutation at most once per (account, request_id): a retry after a lost answer gets
   * the first answer back and changes nothing (the balances in it are as of then); the same
   * id with another request is refused. Without a request_id it just runs. Call inside tx().
   */
  private once<T>(account_id: string, kind: string, request_id: string | undefined, request: Record<string, string>, run: () => T): T {
    if (request_id === undefined) return run();
    const body = JSON.stringify(request);
    const seen = this.db.prepare(`SELECT kind, body, response FROM request_ids WHERE account_id = ? AND request_id = ?`).get(account_id, request_id) as
      | { kind: string; body: string; response: string }
      | undefined;
    if (seen) {
      if (seen.kind !== kind || seen.body !== body) throw conflict('request_id_reused', `request_id ${request_id} was already used for another ${seen.kind} request`);
      return JSON.parse(seen.response) as T;
    }
    const out = run();
    const now = this.now_ms();
    // Bounded: ids older than the retention window are forgotten (a retry that late is a new request).
    this.db.prepare(`DELETE FROM request_ids WHERE created_ms < ?`).run(now - REQUEST_ID_TTL_MS);
    this.db.prepare(`INSERT INTO request_ids (account_id, request_id, kind, body, response, created_ms) VALUES (?, ?, ?, ?, ?, ?)`).run(account_id, request_id, kind, body, JSON.stringify(out), now);
    return out;
  }

  private lotsOrThrow(text: string, what: string): number {
    const lots = qtyToLots(text);
    if (lots === null || lots <= 0) throw badRequest('invalid_quantity', `${what} must be a positive multiple of ${LOT_SIZE}`);
    if (lots > MAX_QUANTITY_LOTS * 100) throw badRequest('amount_too_large', `${what} too large`);
    return lots;
  }

  // ---------------------------------------------------------------- cash

  private cashMicros(amount_usd: string): number {
    const m = usdToMicros(amount_usd);
    if (m === null || m <= 0 || !dec(amount_usd).mul(100).isInteger()) {
      throw badRequest('invalid_amount', 'amount_usd must be a positive amount in whole cents');
    }
    if (dec(amount_usd).gt(dec(this.config.max_cash_request_usd))) {
      throw badRequest('amount_too_large', `amount_usd above the per-request limit of ${this.config.max_cash_request_usd}`);
    }
    return m;
  }

  deposit(account_id: string, amount_usd: string, request_id?: string): { amount_usd: string; fee_usd: string; balances: Balances } {
    return this.tx(() => this.once(account_id, 'deposit', request_id, { amount_usd }, () => {
      const m = this.cashMicros(amount_usd);
      const acct = this.account(account_id);
      if (acct.usd_total + m > MAX_BALANCE_MICROS) throw unprocessable('balance_limit', 'deposit would exceed the account balance limit');
      this.move(account_id, m, 0, 0, 0);
      this.addTotals(m, 0, 0, 0, 0);
      this.emit(account_id, { type: 'deposit', amount_usd: microsToUsd(m) });
      return { amount_usd: microsToUsd(m), fee_usd: '0', balances: this.balancesNoTx(account_id) };
    }));
  }

  withdraw(account_id: string, amount_usd: string, request_id?: string): { amount_usd: string; fee_usd: string; balances: Balances } {
    return this.tx(() => this.once(account_id, 'withdrawal', request_id, { amount_usd }, () => {
      const m = this.cashMicros(amount_usd);
      const fee = usdToMicros(this.config.withdrawal_fee_usd);
      assert(fee !== null && fee >= 0, 'withdrawal fee config');
      const acct = this.account(account_id);
      const available = acct.usd_total - acct.usd_reserved;
      if (m + fee > available) {
        throw unprocessable('insufficient_funds', `withdrawal of ${amount_usd} plus fee ${microsToUsd(fee)} exceeds the ${microsToUsd(available)} available`);
      }
      this.move(account_id, -(m + fee), 0, 0, 0);
      this.addTotals(0, m, fee, 0, 0);
      this.emit(account_id, { type: 'withdrawal', amount_usd: microsToUsd(m) });
      if (fee > 0) this.emit(account_id, { type: 'fee', amount_usd: microsToUsd(fee), reason: 'withdrawal fee' });
      return { amount_usd: microsToUsd(m), fee_usd: microsToUsd(fee), balances: this.balancesNoTx(account_id) };
    }));
  }

  getBalances(account_id: string): Balances {
    return this.tx(() => {
      this.closeDuePeriods(account_id);
      return this.balancesNoTx(account_id);
    });
  }

  private balancesNoTx(account_id: string): Balances {
    const a = this.account(account_id);
    const p = this.st.openPeriod.get(account_id) as PeriodRow | undefined;
    return {
      usd: { total: microsToUsd(a.usd_total), available: microsToUsd(a.usd_total - a.usd_reserved), reserved: microsToUsd(a.usd_reserved) },
      token: { total: lotsToQty(a.tok_total), available: lotsToQty(a.tok_total - a.tok_reserved), reserved: lotsToQty(a.tok_reserved) },
      credits: { period_id: p?.id ?? null, available: p ? lotsToQty(p.credits_lots + p.redeemed_lots - p.used_lots) : '0' },
      as_of_seq: this.seqOf(a.id),
    };
  }

  // ---------------------------------------------------------------- events

  /** The events page as JSON text, built from the stored event JSON (no re-serialization). */
  eventsPageJson(account_id: string, after: number, limit: number): string {
    assert(Number.isSafeInteger(after) && after >= 0 && limit >= 1 && limit <= 5000, 'events page bounds');
    const read = this.db.transaction(() => {
      const last = this.seqOf(account_id);
      const rows = this.st.eventsAfter.all(account_id, after, limit) as string[];
      return `{"events":[${rows.join(',')}],"last_seq":${last}}`;
    });
    return read();
  }

  getEvents(account_id: string, after: number, limit: number): { events: AccountEvent[]; last_seq: number } {
    return JSON.parse(this.eventsPageJson(account_id, after, limit)) as { events: AccountEvent[]; last_seq: number };
  }

  lastSeq(account_id: string): number {
    return this.seqOf(account_id);
  }

  // ---------------------------------------------------------------- orders

  placeOrder(account_id: string, req: OrderRequest): { order: Order; created: boolean } {
    return this.tx(() => {
      this.sweepExpired();
      const hash = requestHash(req);
      const existing = this.st.orderByClientId.get(account_id, req.client_order_id) as OrderRow | undefined;
      if (existing) {
        if (!hashEqual(existing.request_hash, hash)) {
          throw conflict('client_order_id_conflict', 'client_order_id already used with a different order', { order_id: existing.id });
        }
        return { order: this.orderView(existing), created: false };
      }
      const now = this.now_ms();
      if (req.deadline !== undefined && now > Date.parse(req.deadline)) {
        throw unprocessable('deadline_passed', `the order arrived after its deadline ${req.deadline}`);
      }
      const v = this.validateOrder(req, now);
      const acct = this.account(account_id);
      let reserve_micros = 0;
      let reserve_lots = 0;
      if (req.side === 'buy') {
        reserve_micros = buyReserve(v.lots, v.limit, this.config.taker_fee_bps);
        const available = acct.usd_total - acct.usd_reserved;
        if (reserve_micros > available) {
          throw unprocessable('insufficient_funds', `order needs ${microsToUsd(reserve_micros)} USD (fee included), ${microsToUsd(available)} available`);
        }
      } else {
        reserve_lots = v.lots;
        const available = acct.tok_total - acct.tok_reserved;
        if (reserve_lots > available) throw unprocessable('insufficient_tokens', `order needs ${req.quantity} tokens, ${lotsToQty(available)} available`);
      }
      // The number SQLite would give the row (max + 1: orders are never deleted), known
      // before matching so the order is inserted once with its final state.
      this.next_order_num ??= (this.st.maxOrderNum.get() as number) + 1;
      const num = this.next_order_num;
      // The row before matching, built here rather than read back (paranoid mode checks the result).
      const row: OrderRow = {
        num,
        id: `ord_${num}`,
        account_id,
        client_order_id: req.client_order_id,
        request_hash: hash,
        side: req.side,
        type: req.type,
        price_ticks: v.price,
        protection_ticks: v.protection,
        qty_lots: v.lots,
        filled_lots: 0,
        notional_micros: 0,
        fees_micros: 0,
        reserved_micros: reserve_micros,
        reserved_lots: reserve_lots,
        tif: req.time_in_force,
        expire_ms: v.expire_ms,
        post_only: req.post_only ? 1 : 0,
        status: 'open',
        reason: null,
        created_ms: now,
        updated_ms: now,
      };
      const done = this.execute(row, v.limit);
      if (this.config.paranoid) {
        const stored = this.st.orderByNum.get(num) as OrderRow;
        assert(JSON.stringify(stored) === JSON.stringify(done), `order ${done.id}: built row differs from the stored one`);
      }
      return { order: this.orderView(done), created: true };
    });
  }

  private validateOrder(req: OrderRequest, now: number) {
    const lots = qtyToLots(req.quantity);
    if (lots === null || lots <= 0) throw badRequest('invalid_lot_size', `quantity must be a positive multiple of the lot size ${LOT_SIZE}`);
    if (lots > MAX_QUANTITY_LOTS) throw badRequest('quantity_too_large', `quantity above the limit of ${lotsToQty(MAX_QUANTITY_LOTS)}`);
    const ticks = (text: string, field: string): number => {
      const t = priceToTicks(text);
      if (t === null) throw badRequest('invalid_tick_size', `${field} must be a multiple of the tick size ${TICK_SIZE}`);
      if (t < MIN_PRICE_TICKS || t > MAX_PRICE_TICKS) {
        throw badRequest('price_out_of_range', `${field} must be between ${ticksToPrice(MIN_PRICE_TICKS)} and ${ticksToPrice(MAX_PRICE_TICKS)}`);
      }
      return t;
    };
    let price: number | null = null;
    let protection: number | null = null;
    if (req.type === 'limit') {
      if (req.price === undefined) throw badRequest('price_required', 'a limit order needs a price');
      if (req.protection_price !== undefined) throw badRequest('protection_price_not_allowed', 'protection_price is for market orders; a limit order has its price');
      price = ticks(req.price, 'price');
    } else {
      if (req.price !== undefined) throw badRequest('price_not_allowed', 'a market order has no price; use protection_price');
      if (req.protection_price === undefined) throw badRequest('protection_price_required', 'a market order needs protection_price (the worst acceptable price)');
      if (req.time_in_force !== 'IOC' && req.time_in_force !== 'FOK') throw badRequest('invalid_time_in_force', 'a market order is IOC or FOK');
      if (req.post_only) throw badRequest('post_only_not_allowed', 'a market order cannot be post-only');
      protection = ticks(req.protection_price, 'protection_price');
    }
    let expire_ms: number | null = null;
    if (req.time_in_force === 'GTD') {
      if (req.expire_at === undefined) throw badRequest('expire_at_required', 'a GTD order needs expire_at');
      expire_ms = Date.parse(req.expire_at);
      if (!(expire_ms > now)) throw badRequest('expire_at_in_past', 'expire_at must be in the future');
    } else if (req.expire_at !== undefined) {
      throw badRequest('expire_at_not_allowed', 'expire_at is only for GTD orders');
    }
    if (req.post_only && req.time_in_force !== 'GTC' && req.time_in_force !== 'GTD') {
      throw badRequest('post_only_not_allowed', 'post-only orders rest in the book: GTC or GTD');
    }
    const limit = (price ?? protection)!;
    return { lots, price, protection, limit, expire_ms };
  }

  /**
   * Matches a new order (not yet stored, its reservation not yet applied to the account),
   * settles every fill, then stores the order in its final state. The taker's balance changes (reservation, fills, release) add
   * up to one account update. Returns the order row as stored.
   */
  private execute(order: OrderRow, limit: number): OrderRow {
    const now = this.now_ms();
    const side = order.side;
    const state = {
      filled: 0,
      notional: 0,
      fees: 0,
      reserved_micros: order.reserved_micros,
      reserved_lots: order.reserved_lots,
      // The taker account's pending move: usd, usd reserved, tokens, tokens reserved.
      move: [0, order.reserved_micros, 0, order.reserved_lots] as [number, number, number, number],
    };
    let status: Order['status'] = 'open';
    let reason: string | null = null;
    let rest = false;
    if (order.post_only && this.book.crosses(side, limit)) {
      status = 'rejected';
      reason = 'post_only_would_cross';
    } else if (order.tif === 'FOK' && this.book.fillable(side, limit, order.account_id, order.qty_lots) < order.qty_lots) {
      status = 'canceled';
      reason = 'fill_or_kill_not_fillable';
    } else {
      const m = this.book.match(side, limit, order.qty_lots, order.account_id);
      assert(order.tif !== 'FOK' || m.remaining === 0, 'FOK order partially filled');
      for (const f of m.fills) {
        const { notional, taker_fee } = this.settleFill(order, f.maker, f.price, f.lots, limit, state, now);
        state.filled += f.lots;
        state.notional += notional;
        state.fees += taker_fee;
      }
      if (m.remaining === 0) status = 'filled';
      else if (m.self_trade) {
        status = 'canceled';
        reason = 'self_trade_prevention';
      } else if (order.type === 'limit' && (order.tif === 'GTC' || order.tif === 'GTD')) {
        status = state.filled > 0 ? 'partially_filled' : 'open';
        rest = true;
      } else {
        status = 'canceled';
        reason = order.type === 'market' ? 'market_order_remainder' : 'immediate_or_cancel_remainder';
      }
    }
    if (rest) {
      this.book.add({ num: order.num, account: order.account_id, side, price: limit, remaining: order.qty_lots - state.filled, live: true });
      if (order.expire_ms !== null) this.next_expiry_ms = Math.min(this.next_expiry_ms, order.expire_ms);
      if (side === 'buy') assert(state.reserved_micros === buyReserve(order.qty_lots - state.filled, limit, this.config.taker_fee_bps), 'resting buy reserve');
      else assert(state.reserved_lots === order.qty_lots - state.filled, 'resting sell reserve');
    } else {
      // Terminal: hand back whatever is still reserved.
      state.move[1] -= state.reserved_micros;
      state.move[3] -= state.reserved_lots;
      state.reserved_micros = 0;
      state.reserved_lots = 0;
    }
    const mv = state.move;
    if (mv[0] !== 0 || mv[1] !== 0 || mv[2] !== 0 || mv[3] !== 0) this.move(order.account_id, mv[0], mv[1], mv[2], mv[3]);
    const done: OrderRow = {
      ...order,
      filled_lots: state.filled,
      notional_micros: state.notional,
      fees_micros: state.fees,
      reserved_micros: state.reserved_micros,
      reserved_lots: state.reserved_lots,
      status,
      reason,
      updated_ms: now,
    };
    const d = done;
    this.st.insertOrder.run(
      d.num,
      d.account_id,
      d.client_order_id,
      d.request_hash,
      d.side,
      d.type,
      d.price_ticks,
      d.protection_ticks,
      d.qty_lots,
      d.filled_lots,
      d.notional_micros,
      d.fees_micros,
      d.reserved_micros,
      d.reserved_lots,
      d.tif,
      d.expire_ms,
      d.post_only,
      d.status,
      d.reason,
      d.created_ms,
      d.updated_ms,
    );
    assert(this.next_order_num === d.num, 'order number out of sequence');
    this.next_order_num = d.num + 1;
    this.emitOrder(done);
    return done;
  }

  /** One fill between the taker `order` and a resting maker. Returns the taker's share. */
  private settleFill(
    taker: OrderRow,
    maker: RestingOrder,
    price: number,
    lots: number,
    taker_limit: number,
    taker_state: { reserved_micros: number; reserved_lots: number; move: [number, number, number, number] },
    now: number,
  ): { notional: number; taker_fee: number } {
    const notional = notionalMicros(price, lots);
    const maker_fee = feeMicros(notional, this.config.maker_fee_bps);
    const taker_fee = feeMicros(notional, this.config.taker_fee_bps);
    const mrow = this.st.orderByNum.get(maker.num) as OrderRow;
    assert(mrow && mrow.account_id === maker.account && mrow.price_ticks === price, 'maker row out of sync with the book');
    const maker_remaining_before = mrow.qty_lots - mrow.filled_lots;
    assert(maker_remaining_before - lots === maker.remaining, 'maker remaining out of sync');

    // Maker side.
    let m_res_micros = mrow.reserved_micros;
    let m_res_lots = mrow.reserved_lots;
    if (maker.side === 'buy') {
      const needed_after = buyReserve(maker.remaining, price, this.config.taker_fee_bps);
      const cost = notional + maker_fee;
      const release = m_res_micros - cost - needed_after;
      assert(release >= 0, 'maker buy reserve too small');
      this.move(maker.account, -cost, -(cost + release), lots, 0);
      m_res_micros = needed_after;
    } else {
      this.move(maker.account, notional - maker_fee, 0, -lots, -lots);
      m_res_lots -= lots;
    }
    const maker_status: Order['status'] = maker.remaining === 0 ? 'filled' : 'partially_filled';
    this.st.updateOrder.run(
      mrow.filled_lots + lots,
      mrow.notional_micros + notional,
      mrow.fees_micros + maker_fee,
      m_res_micros,
      m_res_lots,
      maker_status,
      null,
      now,
      mrow.num,
    );

    // Taker side.
    if (taker.side === 'buy') {
      const remaining_after = taker.qty_lots - (taker.filled_lots + lots);
      const needed_after = buyReserve(remaining_after, taker_limit, this.config.taker_fee_bps);
      const cost = notional + taker_fee;
      const release = taker_state.reserved_micros - cost - needed_after;
      assert(release >= 0, 'taker buy reserve too small');
      const mv = taker_state.move;
      mv[0] -= cost;
      mv[1] -= cost + release;
      mv[2] += lots;
      taker_state.reserved_micros = needed_after;
    } else {
      const mv = taker_state.move;
      mv[0] += notional - taker_fee;
      mv[2] -= lots;
      mv[3] -= lots;
      taker_state.reserved_lots -= lots;
    }
    taker.filled_lots += lots;
    this.addTotals(0, 0, maker_fee + taker_fee, 0, 0);

    const trade_num = Number(this.st.insertTrade.run(now, price, lots, taker.side, maker.num, taker.num).lastInsertRowid);
    const trade_id = `trd_${trade_num}`;
    this.recordCandles(now, price, lots);
    this.last_trade_ticks = price;
    this.pending.push({
      kind: 'trade',
      trade: { trade_id, num: trade_num, price: ticksToPrice(price), quantity: lotsToQty(lots), taker_side: taker.side, time: isoFromMs(now) },
    });
    const p = ticksToPrice(price);
    const q = lotsToQty(lots);
    this.emit(maker.account, {
      type: 'fill',
      trade_id,
      order_id: mrow.id,
      client_order_id: mrow.client_order_id,
      side: maker.side,
      price_usd: p,
      quantity: q,
      fee_usd: microsToUsd(maker_fee),
      liquidity: 'maker',
    });
    this.emitOrder({ ...mrow, filled_lots: mrow.filled_lots + lots, status: maker_status, reason: null });
    this.emit(taker.account_id, {
      type: 'fill',
      trade_id,
      order_id: taker.id,
      client_order_id: taker.client_order_id,
      side: taker.side,
      price_usd: p,
      quantity: q,
      fee_usd: microsToUsd(taker_fee),
      liquidity: 'taker',
    });
    return { notional, taker_fee };
  }

  private emitOrder(o: Pick<OrderRow, 'id' | 'account_id' | 'client_order_id' | 'status' | 'side' | 'type' | 'price_ticks' | 'qty_lots' | 'filled_lots' | 'reason'>): void {
    this.emit(o.account_id, {
      type: 'order',
      order_id: o.id,
      client_order_id: o.client_order_id,
      status: o.status,
      side: o.side,
      order_type: o.type,
      price_usd: o.price_ticks === null ? null : ticksToPrice(o.price_ticks),
      quantity: lotsToQty(o.qty_lots),
      filled_quantity: lotsToQty(o.filled_lots),
      reason: o.reason,
    });
  }

  /**
   * Candle and totals updates are accumulated in memory and written once at the end of
   * the transaction (or savepoint) that made them: an order with k fills costs 6 candle
   * upserts, not 6k. Dropped, like everything else, if the transaction fails.
   */
  private recordCandles(time_ms: number, price: number, lots: number): void {
    const s = Math.floor(time_ms / 1000);
    for (const iv of INTERVALS) {
      const w = CANDLE_SECONDS[iv];
      const bucket = s - (s % w);
      const key = `${iv}:${bucket}`;
      const c = this.candle_acc.get(key);
      if (!c) this.candle_acc.set(key, { iv, bucket, open: price, high: price, low: price, close: price, lots });
      else {
        c.high = Math.max(c.high, price);
        c.low = Math.min(c.low, price);
        c.close = price;
        c.lots = assertSafe(c.lots + lots, 'candle volume');
      }
    }
  }

  private addTotals(deposits: number, withdrawals: number, fees: number, minted: number, redeemed: number): void {
    const t = this.totals_acc;
    t[0] += deposits;
    t[1] += withdrawals;
    t[2] += fees;
    t[3] += minted;
    t[4] += redeemed;
    this.totals_dirty = true;
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
      if (aggregates) this.flushAggregates();
      return r;
    };
  }

  /** Writes the accumulated candle and totals updates (inside the current transaction). */
  private flushAggregates(): void {
    for (const c of this.candle_acc.values()) this.st.upsertCandle.run(c.iv, c.bucket, c.open, c.high, c.low, c.close, c.lots);
    this.candle_acc.clear();
    if (this.totals_dirty) {
      const t = this.totals_acc;
      this.st.addTotals.run(t[0], t[1], t[2], t[3], t[4]);
      this.totals_acc = [0, 0, 0, 0, 0];
      this.totals_dirty = false;
    }
  }

  /** Reads of candles or totals inside a batch must see the aggregates accumulated so far. */
  private flushAggregatesForRead(): void {
    if (this.db.inTransaction && (this.candle_acc.size > 0 || this.totals_dirty)) this.flushAggregates();
  }

  private snapshotAggregates(): { candles: CandleAcc[]; totals: PlatformCore['totals_acc']; dirty: boolean } {
    const candles: CandleAcc[] = [];
    for (const c of this.candle_acc.values()) candles.push({ ...c });
    return { candles, totals: [...this.totals_acc], dirty: this.totals_dirty };
  }

  private restoreAggregates(s: { candles: CandleAcc[]; totals: PlatformCore['totals_acc']; dirty: boolean }): void {
    this.candle_acc.clear();
    for (const c of s.candles) this.candle_acc.set(`${c.iv}:${c.bucket}`, c);
    this.totals_acc = s.totals;
    this.totals_dirty = s.dirty;
  }

  /** Writes the events emitted so far, up to EVENTS_PER_INSERT rows per statement. */
  private flushEvents(): void {
    const ev = this.unwritten_events;
    let i = 0;
    while (i < ev.length) {
      const n = Math.min(EVENTS_PER_INSERT, ev.length - i);
      let stmt = this.insertEvents[n];
      if (!stmt) {
        stmt = this.db.prepare(`INSERT INTO events (account_id, seq, json) VALUES ${Array.from({ length: n }, () => '(?, ?, ?)').join(', ')}`);
        this.insertEvents[n] = stmt;
      }
      const args: unknown[] = [];
      for (let k = i; k < i + n; k++) args.push(...ev[k]!);
      stmt.run(args);
      i += n;
    }
    ev.length = 0;
  }

  private dropAccumulated(): void {
    this.candle_acc.clear();
    this.totals_acc = [0, 0, 0, 0, 0];
    this.totals_dirty = false;
    this.unwritten_events.length = 0;
  }

  /** Ends a resting order (cancel or expiry) and releases its reservation. */
  private endResting(row: OrderRow, status: 'canceled' | 'expired', reason: string): OrderRow {
    const removed = this.book.cancel(row.num);
    assert(removed !== undefined, `open order ${row.id} missing from the book`);
    this.move(row.account_id, 0, -row.reserved_micros, 0, -row.reserved_lots);
    const now = this.now_ms();
    this.st.updateOrder.run(row.filled_lots, row.notional_micros, row.fees_micros, 0, 0, status, reason, now, row.num);
    const updated: OrderRow = { ...row, reserved_micros: 0, reserved_lots: 0, status, reason, updated_ms: now };
    this.emitOrder(updated);
    return updated;
  }

  private sweepExpired(): number {
    const now = this.now_ms();
    if (now < this.next_expiry_ms) return 0;
    const due = this.st.gtdDue.all(now, MAX_EXPIRIES_PER_SWEEP) as OrderRow[];
    for (const row of due) this.endResting(row, 'expired', 'good_till_date_expired');
    this.next_expiry_ms = (this.st.nextExpiry.get() as number | null) ?? Number.POSITIVE_INFINITY;
    return due.length;
  }

  private orderById(order_id: string): OrderRow | undefined {
    const m = /^ord_([1-9]\d{0,15})$/.exec(order_id);
    if (!m) return undefined;
    return this.st.orderByNum.get(Number(m[1])) as OrderRow | undefined;
  }

  cancelOrder(account_id: string, order_id: string): Order {
    // The expiry sweep commits on its own: a refused cancel (409 order_not_open) must not roll
    // back an expiry that its own answer reports.
    this.tx(() => this.sweepExpired());
    return this.tx(() => {
      const row = this.orderById(order_id);
      if (!row || row.account_id !== account_id) throw notFound('order_not_found', 'no such order');
      if (row.status !== 'open' && row.status !== 'partially_filled') {
        throw conflict('order_not_open', `the order is already ${row.status}`, { order: this.orderView(row) });
      }
      return this.orderView(this.endResting(row, 'canceled', 'canceled_by_user'));
    });
  }

  getOrder(account_id: string, order_id: string): Order {
    this.tx(() => this.sweepExpired());
    const row = this.orderById(order_id);
    if (!row || row.account_id !== account_id) throw notFound('order_not_found', 'no such order');
    return this.orderView(row);
  }

  getOrderByClientId(account_id: string, client_order_id: string): Order {
    this.tx(() => this.sweepExpired());
    const row = this.st.orderByClientId.get(account_id, client_order_id) as OrderRow | undefined;
    if (!row) throw notFound('order_not_found', 'no order with that client_order_id');
    return this.orderView(row);
  }

  listOrders(account_id: string, status: 'open' | 'all', limit: number): Order[] {
    this.tx(() => this.sweepExpired());
    const sql =
      status === 'open'
        ? `SELECT * FROM orders WHERE account_id = ? AND status IN ${OPEN_STATUSES} ORDER BY num DESC LIMIT ?`
        : `SELECT * FROM orders WHERE account_id = ? ORDER BY num DESC LIMIT ?`;
    return (this.db.prepare(sql).all(account_id, limit) as OrderRow[]).map((r) => this.orderView(r));
  }

  private orderView(r: OrderRow): Order {
    return {
      order_id: r.id,
      client_order_id: r.client_order_id,
      account_id: r.account_id,
      symbol: SYMBOL,
      side: r.side,
      type: r.type,
      price: r.price_ticks === null ? null : ticksToPrice(r.price_ticks),
      protection_price: r.protection_ticks === null ? null : ticksToPrice(r.protection_ticks),
      quantity: lotsToQty(r.qty_lots),
      filled_quantity: lotsToQty(r.filled_lots),
      remaining_quantity: lotsToQty(r.qty_lots - r.filled_lots),
      average_price:
        r.filled_lots === 0 ? null : toCanonical(new D(r.notional_micros).div(r.filled_lots).div(10_000).toDecimalPlaces(8, D.ROUND_HALF_EVEN)),
      fees_usd: microsToUsd(r.fees_micros),
      time_in_force: r.tif,
      expire_at: r.expire_ms === null ? null : isoFromMs(r.expire_ms),
      post_only: r.post_only === 1,
      status: r.status,
      reason: r.reason,
      created_at: isoFromMs(r.created_ms),
      updated_at: isoFromMs(r.updated_ms),
    };
  }

  // ---------------------------------------------------------------- time

  /** Closes due periods and expires due GTD orders. Call periodically (the server does, every second). */
  tick(): { periods_closed: number; orders_expired: number } {
    return this.tx(() => ({ periods_closed: this.closeDuePeriods(), orders_expired: this.sweepExpired() }));
  }

  // ---------------------------------------------------------------- market data

  faceValueUsd(): string {
    return faceValue(this.config.default_plan);
  }

  /** Last trade price, or face value before the first trade. */
  marketPrice(): string {
    return this.last_trade_ticks === null ? this.faceValueUsd() : ticksToPrice(this.last_trade_ticks);
  }

  marketInfo(): MarketInfo {
    return {
      symbol: SYMBOL,
      base_symbol: TOKEN_SYMBOL,
      display_name: TOKEN_DISPLAY_NAME,
      tick_size: TICK_SIZE,
      lot_size: LOT_SIZE,
      min_price: ticksToPrice(MIN_PRICE_TICKS),
      max_price: ticksToPrice(MAX_PRICE_TICKS),
      max_quantity: lotsToQty(MAX_QUANTITY_LOTS),
      maker_fee_bps: this.config.maker_fee_bps,
      taker_fee_bps: this.config.taker_fee_bps,
      withdrawal_fee_usd: this.config.withdrawal_fee_usd,
      face_value_usd: this.faceValueUsd(),
    };
  }

  ticker(): Ticker {
    this.flushAggregatesForRead();
    const now = this.now_ms();
    // Rolling 24 h by 1-minute buckets: at most 1440 rows, whatever the trade rate.
    const from_s = Math.floor((now - 24 * 3600 * 1000) / 1000);
    const vol = this.st.volumeSince.get(from_s - (from_s % 60)) as number;
    const face = this.faceValueUsd();
    const last = this.last_trade_ticks === null ? null : ticksToPrice(this.last_trade_ticks);
    const bid = this.book.bestBid();
    const ask = this.book.bestAsk();
    return {
      symbol: SYMBOL,
      last,
      bid: bid === null ? null : ticksToPrice(bid),
      ask: ask === null ? null : ticksToPrice(ask),
      volume_24h: lotsToQty(vol),
      face_value: face,
      premium: last === null ? null : toCanonical(dec(last).div(dec(face)).minus(1).toDecimalPlaces(8, D.ROUND_HALF_EVEN)),
      time: isoFromMs(now),
    };
  }

  bookSnapshot(depth: number): BookSnapshot {
    const d = this.book.depth(depth);
    const fmt = (lv: [number, number][]): [string, string][] => lv.map(([p, q]) => [ticksToPrice(p), lotsToQty(q)]);
    return { symbol: SYMBOL, seq: this.book_seq, bids: fmt(d.bids), asks: fmt(d.asks), time: isoFromMs(this.now_ms()) };
  }

  bookSeq(): number {
    return this.book_seq;
  }

  candles(interval: CandleInterval, before_s: number | undefined, limit: number): CandlesPage {
    this.flushAggregatesForRead();
    const rows = this.db
      .prepare(
        `SELECT bucket_s, open_ticks, high_ticks, low_ticks, close_ticks, volume_lots FROM candles WHERE interval = ? AND bucket_s < ? ORDER BY bucket_s DESC LIMIT ?`,
      )
      .all(interval, before_s ?? Number.MAX_SAFE_INTEGER, limit) as {
      bucket_s: number;
      open_ticks: number;
      high_ticks: number;
      low_ticks: number;
      close_ticks: number;
      volume_lots: number;
    }[];
    rows.reverse();
    return {
      interval,
      candles: rows.map((r) => ({
        time: r.bucket_s,
        open: ticksToPrice(r.open_ticks),
        high: ticksToPrice(r.high_ticks),
        low: ticksToPrice(r.low_ticks),
        close: ticksToPrice(r.close_ticks),
        volume: lotsToQty(r.volume_lots),
      })),
    };
  }

  trades(before_num: number | undefined, limit: number): PublicTrade[] {
    const rows = this.db
      .prepare(`SELECT num, time_ms, price_ticks, qty_lots, taker_side FROM trades WHERE num < ? ORDER BY num DESC LIMIT ?`)
      .all(before_num ?? Number.MAX_SAFE_INTEGER, limit) as { num: number; time_ms: number; price_ticks: number; qty_lots: number; taker_side: Side }[];
    return rows.map((r) => ({
      trade_id: `trd_${r.num}`,
      num: r.num,
      price: ticksToPrice(r.price_ticks),
      quantity: lotsToQty(r.qty_lots),
      taker_side: r.taker_side,
      time: isoFromMs(r.time_ms),
    }));
  }

  tradeCount(): number {
    return this.db.prepare(`SELECT count(*) FROM trades`).pluck().get() as number;
  }

  /**
   * Inserts historical public trades (simulator backfill): market data only, no account
   * takes part. Refused once live trades exist, so history never interleaves with them.
   */
  importHistory(trades: { time_ms: number; price_ticks: number; lots: number; taker_side: Side }[]): number {
    assert(trades.length <= 1_000_000, 'history batch too large');
    return this.tx(() => {
      assert(this.tradeCount() === 0, 'history import needs an empty trade table');
      let prev = -Infinity;
      for (const t of trades) {
        assert(t.time_ms >= prev && t.time_ms <= this.now_ms(), 'history out of order or in the future');
        assert(Number.isSafeInteger(t.price_ticks) && t.price_ticks >= MIN_PRICE_TICKS && t.price_ticks <= MAX_PRICE_TICKS, 'history price');
        assert(Number.isSafeInteger(t.lots) && t.lots > 0 && t.lots <= MAX_QUANTITY_LOTS, 'history quantity');
        prev = t.time_ms;
        this.st.insertTrade.run(t.time_ms, t.price_ticks, t.lots, t.taker_side, null, null);
        this.recordCandles(t.time_ms, t.price_ticks, t.lots);
      }
      const last = trades[trades.length - 1];
      if (last) this.last_trade_ticks = last.price_ticks;
      return trades.length;
    });
  }

  // ---------------------------------------------------------------- invariants

  totals(): TotalsRow {
    this.flushAggregatesForRead();
    return this.db.prepare(`SELECT * FROM totals WHERE id = 1`).get() as TotalsRow;
  }

  /**
   * Checks the whole store against the conservation and reservation invariants and the
   * book against the open orders. Throws InvariantError. O(accounts + open orders).
   */
  checkInvariants(): void {
    this.book.checkInvariants();
    const t = this.totals();
    const sums = this.db
      .prepare(`SELECT coalesce(sum(usd_total), 0) AS usd, coalesce(sum(tok_total), 0) AS tok FROM accounts`)
      .get() as { usd: number; tok: number };
    if (sums.usd + t.fees_micros !== t.deposits_micros - t.withdrawals_micros) {
      throw new InvariantError(`cash not conserved: balances ${sums.usd} + fees ${t.fees_micros} != deposits ${t.deposits_micros} - withdrawals ${t.withdrawals_micros}`);
    }
    if (sums.tok !== t.minted_lots - t.redeemed_lots) {
      throw new InvariantError(`tokens not conserved: balances ${sums.tok} != minted ${t.minted_lots} - redeemed ${t.redeemed_lots}`);
    }
    const bad = this.db
      .prepare(
        `SELECT a.id FROM accounts a LEFT JOIN (SELECT account_id, sum(reserved_micros) AS rm, sum(reserved_lots) AS rl FROM orders WHERE status IN ${OPEN_STATUSES} GROUP BY account_id) o
         ON o.account_id = a.id WHERE a.usd_reserved != coalesce(o.rm, 0) OR a.tok_reserved != coalesce(o.rl, 0) OR a.usd_total < 0 OR a.tok_total < 0 LIMIT 1`,
      )
      .get() as { id: string } | undefined;
    if (bad) throw new InvariantError(`reservations out of sync for ${bad.id}`);
    const open = this.db.prepare(`SELECT count(*) FROM orders WHERE status IN ${OPEN_STATUSES}`).pluck().get() as number;
    if (open !== this.book.byNum.size) throw new InvariantError(`book has ${this.book.byNum.size} orders, store has ${open} open`);
    const gaps = this.db
      .prepare(`SELECT account_id AS id FROM events GROUP BY account_id HAVING max(seq) != count(*) LIMIT 1`)
      .get() as { id: string } | undefined;
    if (gaps) throw new InvariantError(`event seq gap for ${gaps.id}`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.db.close();
  }
}

/** Canonical decimal text without decimal.js: the schema already guarantees DECIMAL_PATTERN. */
function canonicalDecimal(s: string | undefined): string {
  if (s === undefined) return '';
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Canonical payload digest for client_order_id idempotency: "1.50" and "1.5" are the same order. */
export function requestHash(req: OrderRequest): string {
  const parts = [
    req.client_order_id,
    req.side,
    req.type,
    canonicalDecimal(req.price),
    canonicalDecimal(req.quantity),
    req.time_in_force,
    req.expire_at === undefined ? '' : String(Date.parse(req.expire_at)),
    req.post_only ? '1' : '0',
    req.deadline === undefined ? '' : String(Date.parse(req.deadline)),
    canonicalDecimal(req.protection_price),
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

function hashEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

export { PlatformError };
