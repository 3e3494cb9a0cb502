// The local ledger: a double-entry journal built from the platform's account events.
// Invariants (asserted here, re-checked by verify()):
//  - one journal entry per applied event, balanced per commodity;
//  - seqs 1..cursor are each either an entry or a quarantine row, exactly once;
//  - cached balances = sum of postings; own asset balances never negative;
//  - append-only: corrections are reversing entries.
import { FeedOrders } from './feed-orders.js';
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AccountEvent, Balances, Candle, CandleInterval } from '../../../shared/platform/events.js';
import { COMMODITIES, fromScaled, mulScaled, toScaled, NotRepresentableError, type Commodity } from './amounts.js';
import { ACCOUNTS, OWN_ASSETS, accountName } from './chart.js';
import { postingsFor, postingColumns, POSTING_COLUMNS, POSTING_SLOTS, LedgerInvariantError, type Posting } from './mapping.js';
import { openWalletDb } from '../db/open.js';
import { BatchWriter, FastPathConflict, prepareWriter, type WriterStatements } from './writer.js';
import { assert } from '../../../shared/assert.js';
import { verifyLedger, type VerifyReport } from './verify.js';
import { readTaxEntriesAfter, type TaxEntriesRead, type TaxEntry } from './tax-entries.js';
import { check, eventDetail, looseSeq, rawText, toItem, type Item } from './raw-items.js';
import { MarketCache, type CachedTrade } from './market-cache.js';
import { listMismatches, openMismatchCount, reconcileBalances, type Mismatch, type ReconcileResult } from './reconcile.js';

export { eventDetail, QUARANTINE_RAW_MAX_CHARS } from './raw-items.js';
export { CANDLES_MAX, type CachedTrade } from './market-cache.js';
export type { Mismatch, ReconcileResult } from './reconcile.js';

/** Events applied per SQLite transaction (bounds transaction size and memory). */
export const INGEST_BATCH_MAX = 10_000;
/** Events accepted by one ingest() call. */
export const INGEST_CALL_MAX = 100_000;
/** Most entries, orders or quarantine rows one query returns. */
export const RECENT_ENTRIES_MAX = 1000;
/** fillTotals() answers for at most this many orders per call. */
export const FILL_TOTALS_MAX = 1000;

/** An order's fills summed (exact decimal text). */
export interface FillTotals {
  fills: number;
  quantity: string;
  notional_usd: string;
  fees_usd: string;
}

export interface OpenLedgerOptions {
  path: string;
  /** A database the db module already opened at the latest schema (e.g. a migrated in-memory copy for verify); `path` then only names it. */
  database?: Database.Database;
  logger?: Logger;
  /** Fault injection for crash tests: called after each entry row is written, inside the transaction. */
  on_entry_written?: (entries_written_by_this_process: number) => void;
}

export interface IngestResult {
  applied: number;
  duplicates: number;
  quarantined: number;
  cursor_seq: number;
  /** Set when an event's seq skipped ahead: nothing from there on was applied. */
  gap: { expected_seq: number; got_seq: number } | null;
}

/** What one committed ingest batch changed, announced after the commit (the view pipe's source). */
export interface AppliedBatch {
  /** The events applied as journal entries, in seq order (validated). */
  events: readonly AccountEvent[];
  /** Events quarantined in this batch (they changed no balance). */
  quarantined: number;
  /** The ledger's cursor after the commit. */
  cursor_seq: number;
}

/** Bound on onApplied listeners: one per consuming module. */
const APPLIED_LISTENERS_MAX = 16;

export interface BalanceRow {
  account: string;
  commodity: Commodity;
  amount: string;
}

export interface WalletBalances {
  usd: string;
  token: string;
  credits: string;
  cursor_seq: number;
  entry_count: number;
}

export interface EntryView {
  id: number;
  seq: number | null;
  event_id: string | null;
  type: string;
  time: string;
  reverses: number | null;
  postings: BalanceRow[];
  data: unknown;
}

export interface QuarantineRow {
  id: number;
  seq: number | null;
  event_id: string | null;
  reason: string;
  raw: string;
  received_at: string;
}

type BalanceKey = `${number}|${Commodity}`;
/** Balance key on the ingest hot path: account_id × 4 + commodity index (no string per posting). */
type DeltaKey = number;
const COMMODITY_INDEX: Readonly<Record<Commodity, number>> = { USD: 0, TOKEN: 1, CREDIT: 2 };
const deltaKey = (account_id: number, commodity: Commodity): DeltaKey => account_id * 4 + COMMODITY_INDEX[commodity];
const balanceKey = (k: DeltaKey): BalanceKey => `${Math.floor(k / 4)}|${COMMODITIES[k % 4] as Commodity}`;
const OWN_ASSET_KEYS: ReadonlySet<DeltaKey> = new Set(OWN_ASSETS.map((a) => deltaKey(ACCOUNTS[a.account], a.commodity)));


export class Ledger {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly log: Logger | undefined;
  private readonly on_entry_written: ((n: number) => void) | undefined;
  private entries_written = 0;
  private cursor: number;
  private entry_count: number;
  private account_id: string | null;
  private next_entry_id: number;
  private readonly cached = new Map<BalanceKey, bigint>();
  private readonly applied_listeners = new Set<(b: AppliedBatch) => void>();
  private readonly st;
  private readonly wst: WriterStatements;
  private readonly feed_orders: FeedOrders;
  private readonly market: MarketCache;

  constructor(opts: OpenLedgerOptions) {
    this.path = opts.path;
    this.log = opts.logger;
    this.on_entry_written = opts.on_entry_written;
    // The db module opens the file (checks, pragmas, migrations); a given handle is already open.
    this.db = opts.database ?? openWalletDb(opts.path);
    this.db.defaultSafeIntegers(false);
    this.st = this.prepare();
    this.wst = prepareWriter(this.db);
    this.feed_orders = new FeedOrders(this.db);
    this.market = new MarketCache(this.db);
    this.next_entry_id = ((this.db.prepare('SELECT MAX(id) FROM entries').pluck().get() as number | null) ?? 0) + 1;
    const state = this.st.state.get() as { cursor_seq: number; entry_count: number; account_id: string | null };
    this.cursor = state.cursor_seq;
    this.entry_count = state.entry_count;
    this.account_id = state.account_id;
    for (const r of this.st.balances.all() as { account_id: number; commodity: Commodity; amount: bigint }[]) {
      this.cached.set(`${r.account_id}|${r.commodity}`, r.amount);
    }
  }

  private prepare() {
    const db = this.db;
    return {
      state: db.prepare('SELECT cursor_seq, entry_count, account_id FROM sync_state WHERE id = 1'),
      balances: db.prepare('SELECT account_id, commodity, amount FROM balances').safeIntegers(true),
      insertEntry: db.prepare(`INSERT INTO entries (id, seq, event_id, type, time, reverses, data, ${POSTING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?${', ?'.repeat(2 * POSTING_SLOTS)})`),
      upsertBalance: db.prepare(
        'INSERT INTO balances (account_id, commodity, amount) VALUES (?, ?, ?) ON CONFLICT (account_id, commodity) DO UPDATE SET amount = excluded.amount',
      ),
      saveState: db.prepare('UPDATE sync_state SET cursor_seq = ?, entry_count = ?, account_id = ?, updated_at = ? WHERE id = 1'),
      entryBySeq: db.prepare('SELECT event_id FROM entries WHERE seq = ?').pluck(),
      quarantineBySeq: db.prepare('SELECT 1 FROM quarantine WHERE seq = ?').pluck(),
      insertQuarantine: db.prepare(
        'INSERT INTO quarantine (seq, event_id, reason, raw, raw_hash, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (raw_hash) DO NOTHING',
      ),
      recentEntries: db.prepare('SELECT id, seq, event_id, type, time, reverses, data FROM entries WHERE id < ? ORDER BY id DESC LIMIT ?'),
      postingsRange: db
        .prepare('SELECT entry_id, account_id, commodity, amount FROM postings WHERE entry_id BETWEEN ? AND ?')
        .safeIntegers(true),
      entryById: db.prepare('SELECT id, seq, type, reverses FROM entries WHERE id = ?'),
      unfill: db.prepare('UPDATE order_fills SET fills = fills - 1, quantity = quantity - ?, notional = notional - ?, fees = fees - ? WHERE client_order_id = ?'),
      fillTotals: db.prepare('SELECT fills, quantity, notional, fees FROM order_fills WHERE client_order_id = ?').safeIntegers(true),
      postingsOf: db.prepare('SELECT account_id, commodity, amount FROM postings WHERE entry_id = ?').safeIntegers(true),
    };
  }

  // ---------------------------------------------------------------- ingestion

  /**
   * Applies events in seq order from cursor+1. Idempotent: an event already applied is
   * counted as a duplicate. Invalid events are quarantined with the reason (their seq, if
   * readable, is consumed). Stops at the first gap and reports it; the caller refetches.
   */
  ingest(raw_events: readonly unknown[]): IngestResult {
    assert(raw_events.length <= INGEST_CALL_MAX, `ingest() takes at most ${INGEST_CALL_MAX} events`);
    // Only the seq is read here (to order the events); each placed event is validated where
    // it is applied, so its fields are read from memory once, not once per pass.
    const result: IngestResult = { applied: 0, duplicates: 0, quarantined: 0, cursor_seq: this.cursor, gap: null };
    const unplaced: Item[] = [];
    let placed: Item[] = [];
    let sorted = true;
    for (const raw of raw_events) {
      const seq = looseSeq(raw);
      if (seq === null) {
        unplaced.push(toItem(raw));
        continue;
      }
      if (sorted && placed.length > 0 && (placed[placed.length - 1] as Item).seq as number > seq) sorted = false;
      placed.push({ seq, event_id: null, event: null, error: null, raw, checked: false });
    }
    if (unplaced.length > 0) {
      this.db.transaction(() => {
        for (const i of unplaced) result.quarantined += this.quarantine(null, i.event_id, i.error ?? 'no seq', i.raw);
      }).immediate();
    }
    // Stable sort: reordered events within a call are applied in seq order.
    if (!sorted) placed = placed.sort((a, b) => (a.seq as number) - (b.seq as number));
    for (let start = 0; start < placed.length && result.gap === null; start += INGEST_BATCH_MAX) {
      this.ingestBatch(placed.slice(start, start + INGEST_BATCH_MAX), result);
    }
    result.cursor_seq = this.cursor;
    return result;
  }

  private ingestBatch(batch: Item[], result: IngestResult): void {
    try {
      this.ingestBatchWith(batch, result, true);
    } catch (err) {
      if (!(err instanceof FastPathConflict)) throw err;
      // Rolled back; redo row by row so the offending event is found and quarantined.
      this.log?.warn({ err: err.message }, 'ledger: fast path conflict, redoing batch row by row');
      this.ingestBatchWith(batch, result, false);
    }
  }

  private ingestBatchWith(batch: Item[], result: IngestResult, fast: boolean): void {
    // Work on copies: the in-memory state changes only after the commit succeeds.
    let cursor = this.cursor;
    let entry_count = this.entry_count;
    let account_id = this.account_id;
    let next_entry_id = this.next_entry_id;
    const deltas = new Map<DeltaKey, bigint>();
    const counts = { applied: 0, duplicates: 0, quarantined: 0 };
    let gap: IngestResult['gap'] = null;
    const now = new Date().toISOString();
    const writer = new BatchWriter(this.wst, fast);
    const announce = this.applied_listeners.size > 0;
    const applied_events: AccountEvent[] = [];
    // Fast path for data re-fetchable from the platform: in WAL mode, NORMAL is still
    // crash-consistent (SIGKILL loses nothing); a power cut may drop the last batches and
    // the cursor with them, so they are fetched again. Everything else stays FULL.
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          const seq = item.seq as number;
          check(item);
          if (seq <= cursor) {
            // An event applied earlier in this batch may still be buffered in the writer.
            if (seq > this.cursor) writer.flush();
            const q = this.handleSeen(item, seq);
            counts.quarantined += q;
            counts.duplicates += 1 - q;
            continue;
          }
          if (seq > cursor + 1) {
            gap = { expected_seq: cursor + 1, got_seq: seq };
            break;
          }
          const outcome = this.applyOne(item, account_id, deltas, writer, next_entry_id);
          if (outcome.kind === 'quarantine') {
            const written = this.quarantine(seq, item.event_id, outcome.reason, item.raw);
            assert(written === 1, `seq ${seq} was not recorded in quarantine`);
            counts.quarantined += 1;
          } else {
            next_entry_id += 1;
            if (announce) applied_events.push(item.event as AccountEvent);
            counts.applied += 1;
            entry_count += 1;
            account_id = outcome.account_id;
          }
          cursor = seq;
        }
        writer.flush();
        for (const [k, delta] of deltas) {
          const key = balanceKey(k);
          this.st.upsertBalance.run(Math.floor(k / 4), COMMODITIES[k % 4], (this.cached.get(key) ?? 0n) + delta);
        }
        this.st.saveState.run(cursor, entry_count, account_id, now);
      }).immediate();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
    for (const [k, delta] of deltas) {
      const key = balanceKey(k);
      this.cached.set(key, (this.cached.get(key) ?? 0n) + delta);
    }
    this.cursor = cursor;
    this.entry_count = entry_count;
    this.account_id = account_id;
    this.next_entry_id = next_entry_id;
    result.applied += counts.applied;
    result.duplicates += counts.duplicates;
    result.quarantined += counts.quarantined;
    result.gap = gap;
    if (announce && (counts.applied > 0 || counts.quarantined > 0)) {
      const batch: AppliedBatch = { events: applied_events, quarantined: counts.quarantined, cursor_seq: cursor };
      for (const l of this.applied_listeners) l(batch);
    }
  }

  /**
   * Called after each committed ingest batch with what it applied: the one source every view
   * of ledger data is pushed from. Listeners run synchronously after the commit and must not
   * throw (a throw is a bug in the listener and propagates to the ingest caller).
   */
  onApplied(listener: (batch: AppliedBatch) => void): () => void {
    assert(this.applied_listeners.size < APPLIED_LISTENERS_MAX, `too many onApplied listeners (max ${APPLIED_LISTENERS_MAX})`);
    this.applied_listeners.add(listener);
    return () => this.applied_listeners.delete(listener);
  }

  /** An event at or below the cursor: a duplicate, or a conflicting event (quarantined). */
  private handleSeen(item: Item, seq: number): number {
    if (item.event === null) return 0; // a malformed copy of something already decided
    const recorded = this.st.entryBySeq.get(seq) as string | undefined;
    if (recorded === item.event_id) return 0;
    if (recorded === undefined && this.st.quarantineBySeq.get(seq) !== undefined) return 0;
    return this.quarantine(null, item.event_id, `conflict: seq ${seq} is already recorded as event ${recorded ?? '(quarantined)'}`, item.raw);
  }

  private applyOne(
    item: Item,
    account_id: string | null,
    deltas: Map<DeltaKey, bigint>,
    writer: BatchWriter,
    entry_id: number,
  ): { kind: 'quarantine'; reason: string } | { kind: 'applied'; account_id: string; event_id: string } {
    const e = item.event;
    if (e === null) return { kind: 'quarantine', reason: item.error ?? 'invalid event' };
    if (account_id !== null && e.account_id !== account_id) {
      return { kind: 'quarantine', reason: `event for account ${e.account_id}, ledger is for ${account_id}` };
    }
    let postings: Posting[];
    try {
      postings = postingsFor(e);
    } catch (err) {
      if (err instanceof NotRepresentableError || err instanceof LedgerInvariantError) return { kind: 'quarantine', reason: err.message };
      throw err;
    }
    const negative = this.negativeAsset(postings, deltas);
    if (negative) return { kind: 'quarantine', reason: negative };
    try {
      writer.entry(entry_id, e.seq, e.id, e.type, e.time, eventDetail(e), postings);
    } catch (err) {
      if (!writer.fast && (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        return { kind: 'quarantine', reason: `duplicate event id ${e.id} at a different seq` };
      }
      throw err;
    }
    for (const p of postings) {
      const key = deltaKey(p.account_id, p.commodity);
      deltas.set(key, (deltas.get(key) ?? 0n) + p.amount);
    }
    if (e.type === 'fill') {
      const q = toScaled(e.quantity);
      writer.fill(e.client_order_id, q, mulScaled(toScaled(e.price_usd), q, 'fill notional'), toScaled(e.fee_usd));
    }
    if (e.type === 'order') {
      writer.order([e.order_id, e.client_order_id, e.status, e.side, e.order_type, e.price_usd, e.quantity, e.filled_quantity, e.reason, e.seq, e.time]);
    }
    this.entries_written += 1;
    this.on_entry_written?.(this.entries_written);
    return { kind: 'applied', account_id: e.account_id, event_id: e.id };
  }

  /** Reason text if applying these postings would take an own asset below zero. */
  private negativeAsset(postings: Posting[], deltas: Map<DeltaKey, bigint>): string | null {
    for (const p of postings) {
      if (p.amount >= 0n) continue;
      const key = deltaKey(p.account_id, p.commodity);
      if (!OWN_ASSET_KEYS.has(key)) continue;
      const after = (this.cached.get(balanceKey(key)) ?? 0n) + (deltas.get(key) ?? 0n) + p.amount;
      if (after < 0n) return `${accountName(p.account_id)} ${p.commodity} would go negative (${fromScaled(after)})`;
    }
    return null;
  }

  /** Records a quarantined event. Returns 1 if a new row was written, 0 if it was already there. */
  private quarantine(seq: number | null, event_id: string | null, reason: string, raw: unknown): number {
    const text = rawText(raw);
    const hash = createHash('sha256').update(String(seq)).update('\0').update(text).digest('hex');
    const info = this.st.insertQuarantine.run(seq, event_id, reason.slice(0, 500), text, hash, new Date().toISOString());
    if (info.changes > 0) this.log?.warn({ seq, event_id, reason }, 'ledger: event quarantined');
    return info.changes;
  }

  /**
   * Consumes the next seq without an entry: records it in quarantine with the reason (a
   * seq the platform keeps not delivering, or an event it keeps delivering malformed),
   * and moves the cursor past it, so sync continues.
   */
  quarantineSeq(seq: number, reason: string, raw: unknown = { seq, missing: true }): void {
    assert(seq === this.cursor + 1, `quarantineSeq(${seq}) but cursor is ${this.cursor}`);
    this.db.transaction(() => {
      const written = this.quarantine(seq, null, reason, raw);
      assert(written === 1, `seq ${seq} already quarantined`);
      this.st.saveState.run(seq, this.entry_count, this.account_id, new Date().toISOString());
    }).immediate();
    this.cursor = seq;
  }

  /** A seq the platform keeps not delivering (a persistent gap). */
  skipMissing(seq: number, reason: string): void {
    this.quarantineSeq(seq, `missing: ${reason}`);
  }

  /** Appends an entry that exactly negates `entry_id` (the journal is append-only). */
  reverse(entry_id: number, reason: string, time: string = new Date().toISOString()): number {
    const target = this.st.entryById.get(entry_id) as { id: number; seq: number | null; type: string; reverses: number | null } | undefined;
    if (!target) throw new Error(`no entry ${entry_id}`);
    if (target.reverses !== null) throw new Error(`entry ${entry_id} is itself a reversal`);
    const postings = (this.st.postingsOf.all(entry_id) as { account_id: bigint; commodity: Commodity; amount: bigint }[]).map((p) => ({
      account_id: Number(p.account_id),
      commodity: p.commodity,
      amount: -p.amount,
    }));
    const deltas = new Map<BalanceKey, bigint>();
    for (const p of postings) deltas.set(`${p.account_id}|${p.commodity}`, p.amount);
    const negative = this.negativeAsset(postings, new Map());
    if (negative) throw new Error(`cannot reverse entry ${entry_id}: ${negative}`);
    const id = this.next_entry_id;
    this.db.transaction(() => {
      this.st.insertEntry.run(id, null, null, 'reversal', time, entry_id, JSON.stringify({ reason: reason.slice(0, 500) }), ...postingColumns(postings));
      if (target.type === 'fill') this.unfill(entry_id);
      for (const [key, delta] of deltas) {
        const [acc, commodity] = key.split('|') as [string, Commodity];
        this.st.upsertBalance.run(Number(acc), commodity, (this.cached.get(key) ?? 0n) + delta);
      }
      this.st.saveState.run(this.cursor, this.entry_count + 1, this.account_id, new Date().toISOString());
    }).immediate();
    for (const [key, delta] of deltas) this.cached.set(key, (this.cached.get(key) ?? 0n) + delta);
    this.entry_count += 1;
    this.next_entry_id += 1;
    return id;
  }

  /** Takes a reversed fill out of its order's totals (inside reverse()'s transaction). */
  private unfill(entry_id: number): void {
    const data = this.db.prepare('SELECT data FROM entries WHERE id = ?').pluck().get(entry_id) as string;
    const f = JSON.parse(data) as { client_order_id: string; price_usd: string; quantity: string; fee_usd: string };
    const q = toScaled(f.quantity);
    // An UPDATE, not the upsert: SQLite checks CHECK constraints on the candidate row first.
    this.st.unfill.run(q, mulScaled(toScaled(f.price_usd), q, 'fill notional'), toScaled(f.fee_usd), f.client_order_id);
  }

  // ---------------------------------------------------------------- queries

  /** Fill totals of these orders (by client_order_id), exact decimal text; orders without fills are absent. */
  fillTotals(client_order_ids: readonly string[]): Map<string, FillTotals> {
    assert(client_order_ids.length <= FILL_TOTALS_MAX, `fillTotals: at most ${FILL_TOTALS_MAX} orders per call`);
    const out = new Map<string, FillTotals>();
    for (const id of client_order_ids) {
      const r = this.st.fillTotals.get(id) as { fills: bigint; quantity: bigint; notional: bigint; fees: bigint } | undefined;
      if (!r || r.fills === 0n) continue;
      out.set(id, { fills: Number(r.fills), quantity: fromScaled(r.quantity), notional_usd: fromScaled(r.notional), fees_usd: fromScaled(r.fees) });
    }
    return out;
  }

  cursorSeq(): number {
    return this.cursor;
  }

  accountId(): string | null {
    return this.account_id;
  }

  entryCount(): number {
    return this.entry_count;
  }

  /** The fills, mints and redemptions after `after_seq` up to the cursor, in ledger order, reversed ones left out (tax-entries.ts). */
  taxEntriesAfter(after_seq: number, onEntry: (entry: TaxEntry) => void): TaxEntriesRead {
    return readTaxEntriesAfter(this.db, after_seq, onEntry);
  }

  /** Every cached (account, commodity) balance, from memory (loaded at open, no scan). */
  balances(): BalanceRow[] {
    return [...this.cached.entries()]
      .map(([key, amount]) => {
        const [acc, commodity] = key.split('|') as [string, Commodity];
        return { account: accountName(Number(acc)), commodity, amount: fromScaled(amount) };
      })
      .sort((a, b) => (a.account + a.commodity).localeCompare(b.account + b.commodity));
  }

  /** Scaled balance of one account (0 if none). */
  balanceScaled(account: keyof typeof ACCOUNTS, commodity: Commodity): bigint {
    return this.cached.get(`${ACCOUNTS[account]}|${commodity}`) ?? 0n;
  }

  walletBalances(): WalletBalances {
    return {
      usd: fromScaled(this.balanceScaled('assets:exchange:usd', 'USD')),
      token: fromScaled(this.balanceScaled('assets:exchange:token', 'TOKEN')),
      credits: fromScaled(this.balanceScaled('assets:credits', 'CREDIT')),
      cursor_seq: this.cursor,
      entry_count: this.entry_count,
    };
  }

  /** The newest entries with their postings, newest first. */
  /** Newest first; `before_id` pages back (entries with a smaller id), by the primary key, no scan. */
  recentEntries(limit: number, before_id: number = Number.MAX_SAFE_INTEGER): EntryView[] {
    assert(Number.isSafeInteger(limit) && limit > 0 && limit <= RECENT_ENTRIES_MAX, `limit must be 1..${RECENT_ENTRIES_MAX}`);
    assert(Number.isSafeInteger(before_id) && before_id > 0, `before_id must be a positive integer`);
    const rows = this.st.recentEntries.all(before_id, limit) as Omit<EntryView, 'postings' | 'data'>[] & { data: string }[];
    if (rows.length === 0) return [];
    const lo = (rows[rows.length - 1] as { id: number }).id;
    const hi = (rows[0] as { id: number }).id;
    const by_entry = new Map<number, BalanceRow[]>();
    for (const p of this.st.postingsRange.all(lo, hi) as { entry_id: bigint; account_id: bigint; commodity: Commodity; amount: bigint }[]) {
      const id = Number(p.entry_id);
      const list = by_entry.get(id) ?? [];
      list.push({ account: accountName(Number(p.account_id)), commodity: p.commodity, amount: fromScaled(p.amount) });
      by_entry.set(id, list);
    }
    return (rows as unknown as (Omit<EntryView, 'postings' | 'data'> & { data: string })[]).map((r) => ({
      id: r.id,
      seq: r.seq,
      event_id: r.event_id,
      type: r.type,
      time: r.time,
      reverses: r.reverses,
      postings: by_entry.get(r.id) ?? [],
      // Reassembled into the platform event (a reversal's data is its reason).
      data: r.seq === null ? (JSON.parse(r.data) as unknown) : { id: r.event_id, seq: r.seq, account_id: this.account_id, time: r.time, type: r.type, ...(JSON.parse(r.data) as object) },
    }));
  }

  quarantined(limit = 100): QuarantineRow[] {
    assert(Number.isSafeInteger(limit) && limit > 0 && limit <= RECENT_ENTRIES_MAX, 'bad limit');
    return this.db
      .prepare('SELECT id, seq, event_id, reason, raw, received_at FROM quarantine ORDER BY id DESC LIMIT ?')
      .all(limit) as QuarantineRow[];
  }

  quarantineCount(): number {
    return this.db.prepare('SELECT COUNT(*) FROM quarantine').pluck().get() as number;
  }

  /** The latest state of each platform order, as named reads (other modules never read the table). */
  feedOrders(): FeedOrders {
    return this.feed_orders;
  }

  orders(limit = 100): unknown[] {
    assert(Number.isSafeInteger(limit) && limit > 0 && limit <= RECENT_ENTRIES_MAX, 'bad limit');
    return this.db.prepare('SELECT * FROM orders ORDER BY last_seq DESC LIMIT ?').all(limit);
  }

  verify(): VerifyReport {
    return verifyLedger(this.db, { cursor_seq: this.cursor, entry_count: this.entry_count });
  }

  // ---------------------------------------------------------------- reconciliation (reconcile.ts)

  /**
   * Compares local balances with the platform's (only when they are as of our cursor).
   * A difference is stored as a mismatch and kept; a later match marks it resolved.
   */
  reconcile(platform: Balances, now: string = new Date().toISOString()): ReconcileResult {
    return reconcileBalances(this.db, platform, { cursor_seq: this.cursor, local: (account, commodity) => this.balanceScaled(account, commodity), log: this.log, now });
  }

  openMismatchCount(): number {
    return openMismatchCount(this.db);
  }

  mismatches(open_only = false): Mismatch[] {
    return listMismatches(this.db, open_only);
  }

  // ---------------------------------------------------------------- market data cache (market-cache.ts)

  upsertCandles(interval: CandleInterval, candles: readonly unknown[]): number {
    return this.market.upsertCandles(interval, candles);
  }

  /** Up to `limit` candles before `before` (Unix s, exclusive), oldest first. */
  candles(interval: CandleInterval, before: number | null = null, limit = 500): Candle[] {
    return this.market.candles(interval, before, limit);
  }

  latestCandleTime(interval: CandleInterval): number | null {
    return this.market.latestCandleTime(interval);
  }

  insertTrades(trades: readonly CachedTrade[]): number {
    return this.market.insertTrades(trades);
  }

  recentTrades(limit = 100): CachedTrade[] {
    return this.market.recentTrades(limit);
  }

  latestTradeTime(): string | null {
    return this.market.latestTradeTime();
  }

  /** For modules that extend the ledger database (the order queue). */
  database(): Database.Database {
    return this.db;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export function openLedger(opts: OpenLedgerOptions): Ledger {
  return new Ledger(opts);
}
