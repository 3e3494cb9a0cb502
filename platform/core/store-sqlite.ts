// The embedded storage engine: one SQLite file (store-file.ts: 0600, WAL, synchronous=FULL),
// schema and migrations in schema.ts. better-sqlite3 is synchronous, so every method
// returns its result directly; nested transaction() calls become savepoints.
import type Database from 'better-sqlite3';
import type { Side } from './book.js';
import { migrate } from './schema.js';
import type { CandleRow, CandleUpsert, OrderStatusFilter, PlatformStore, StoredRequest, TotalsDelta, TradeRow } from './store.js';
import { openStoreFile } from './store-file.js';
import { EVENTS_PER_INSERT, OPEN_STATUSES, type AccountRow, type OrderRow, type PeriodRow, type PlanConfig, type TotalsRow } from './types.js';
import { assert } from './units.js';

function prepare(db: Database.Database) {
  return {
    meta: db.prepare(`SELECT value FROM meta WHERE key = ?`).pluck(),
    setMeta: db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
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
    // An order is written once, after matching, with its final state (see orders.ts).
    insertOrder: db.prepare(
      `INSERT INTO orders (num, account_id, client_order_id, request_hash, side, type, price_ticks, protection_ticks, qty_lots, filled_lots, notional_micros, fees_micros, reserved_micros, reserved_lots, tif, expire_ms, post_only, status, reason, created_ms, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    maxOrderNum: db.prepare(`SELECT coalesce(max(num), 0) FROM orders`).pluck(),
    updateOrder: db.prepare(
      `UPDATE orders SET filled_lots = ?, notional_micros = ?, fees_micros = ?, reserved_micros = ?, reserved_lots = ?, status = ?, reason = ?, updated_ms = ? WHERE num = ?`,
    ),
    insertTrade: db.prepare(`INSERT INTO trades (time_ms, price_ticks, qty_lots, taker_side, maker_order, taker_order) VALUES (?, ?, ?, ?, ?, ?)`),
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
    storedRequest: db.prepare(`SELECT kind, body, response FROM request_ids WHERE account_id = ? AND request_id = ?`),
    pruneRequests: db.prepare(`DELETE FROM request_ids WHERE created_ms < ?`),
    insertRequest: db.prepare(`INSERT INTO request_ids (account_id, request_id, kind, body, response, created_ms) VALUES (?, ?, ?, ?, ?, ?)`),
    claimSignature: db.prepare(`INSERT OR IGNORE INTO seen_signatures (timestamp_ms, signature) VALUES (?, ?)`),
    // A range on the primary key's prefix; run every few seconds, so it covers seconds of traffic.
    pruneSignatures: db.prepare(`DELETE FROM seen_signatures WHERE timestamp_ms < ?`),
    openOrders: db.prepare(`SELECT num, account_id, side, price_ticks, qty_lots, filled_lots FROM orders WHERE status IN ${OPEN_STATUSES} ORDER BY num`),
    listOpen: db.prepare(`SELECT * FROM orders WHERE account_id = ? AND status IN ${OPEN_STATUSES} ORDER BY num DESC LIMIT ?`),
    listAll: db.prepare(`SELECT * FROM orders WHERE account_id = ? ORDER BY num DESC LIMIT ?`),
    orderCount: db.prepare(`SELECT count(*) FROM orders`).pluck(),
    openOrderCount: db.prepare(`SELECT count(*) FROM orders WHERE status IN ${OPEN_STATUSES}`).pluck(),
    lastTrade: db.prepare(`SELECT price_ticks FROM trades ORDER BY num DESC LIMIT 1`).pluck(),
    trades: db.prepare(`SELECT num, time_ms, price_ticks, qty_lots, taker_side FROM trades WHERE num < ? ORDER BY num DESC LIMIT ?`),
    tradeCount: db.prepare(`SELECT count(*) FROM trades`).pluck(),
    candles: db.prepare(
      `SELECT bucket_s, open_ticks, high_ticks, low_ticks, close_ticks, volume_lots FROM candles WHERE interval = ? AND bucket_s < ? ORDER BY bucket_s DESC LIMIT ?`,
    ),
    totals: db.prepare(`SELECT deposits_micros, withdrawals_micros, fees_micros, minted_lots, redeemed_lots FROM totals WHERE id = 1`),
    balanceSums: db.prepare(`SELECT coalesce(sum(usd_total), 0) AS usd, coalesce(sum(tok_total), 0) AS tok FROM accounts`),
    reservationMismatch: db
      .prepare(
        `SELECT a.id FROM accounts a LEFT JOIN (SELECT account_id, sum(reserved_micros) AS rm, sum(reserved_lots) AS rl FROM orders WHERE status IN ${OPEN_STATUSES} GROUP BY account_id) o
         ON o.account_id = a.id WHERE a.usd_reserved != coalesce(o.rm, 0) OR a.tok_reserved != coalesce(o.rl, 0) OR a.usd_total < 0 OR a.tok_total < 0 LIMIT 1`,
      )
      .pluck(),
    seqGap: db.prepare(`SELECT account_id FROM events GROUP BY account_id HAVING max(seq) != count(*) LIMIT 1`).pluck(),
  };
}

export class SqliteStore implements PlatformStore {
  readonly db: Database.Database;
  private readonly st: ReturnType<typeof prepare>;
  private readonly runTx: (fn: () => unknown) => unknown;
  private insertEventsByCount: Database.Statement[] = [];

  constructor(db_path: string, sqlite_options?: Database.Options) {
    this.db = openStoreFile(db_path, sqlite_options);
    try {
      migrate(this.db);
    } catch (e) {
      this.db.close(); // a refused start leaves no handle open
      throw e;
    }
    this.st = prepare(this.db);
    this.runTx = this.db.transaction((fn: () => unknown) => fn());
  }

  transaction<T>(fn: () => T): T {
    return this.runTx(fn) as T; // nested: better-sqlite3 uses a SAVEPOINT
  }

  read<T>(fn: () => T): T {
    return this.runTx(fn) as T;
  }

  inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** synchronous=FULL: a commit is on disk when transaction() returns. */
  durable(): Promise<void> | null {
    return null;
  }

  close(): void {
    this.db.close();
  }

  getMeta(key: string): string | undefined {
    return this.st.meta.get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.st.setMeta.run(key, value);
  }

  plan(id: string): PlanConfig | undefined {
    return this.st.plan.get(id) as PlanConfig | undefined;
  }

  insertPlanIfAbsent(p: PlanConfig): void {
    this.db
      .prepare(`INSERT INTO plans (id, name, price_usd, credits, min_charge_usd) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
      .run(p.id, p.name, p.price_usd, p.credits, p.min_charge_usd);
  }

  insertAccount(kind: 'user' | 'sim', plan_id: string, created_ms: number): string {
    // The id derives from the row number: insert under a unique placeholder, then name it.
    const info = this.db.prepare(`INSERT INTO accounts (id, kind, plan_id, created_ms) VALUES ('tmp_' || lower(hex(randomblob(8))), ?, ?, ?)`).run(kind, plan_id, created_ms);
    const num = Number(info.lastInsertRowid);
    const account_id = `acc_${num}`;
    this.db.prepare(`UPDATE accounts SET id = ? WHERE num = ?`).run(account_id, num);
    return account_id;
  }

  account(id: string): AccountRow | undefined {
    return this.st.accountById.get(id) as AccountRow | undefined;
  }

  accountExists(id: string): boolean {
    return this.st.accountExists.get(id) !== undefined;
  }

  moveBalances(id: string, usd: number, usd_reserved: number, tok: number, tok_reserved: number): boolean {
    return this.st.moveBalances.run(usd, usd_reserved, tok, tok_reserved, id).changes === 1;
  }

  insertApiKey(key_id: string, account_id: string, sealed_secret: string, created_ms: number): void {
    this.db.prepare(`INSERT INTO api_keys (key_id, account_id, secret, created_ms) VALUES (?, ?, ?, ?)`).run(key_id, account_id, sealed_secret, created_ms);
  }

  apiKey(key_id: string): { account_id: string; secret: string } | undefined {
    return this.st.apiKey.get(key_id) as { account_id: string; secret: string } | undefined;
  }

  sampleSealedSecret(prefix: string): string | undefined {
    return this.db.prepare(`SELECT secret FROM api_keys WHERE substr(secret, 1, ?) = ? LIMIT 1`).pluck().get(prefix.length, prefix) as string | undefined;
  }

  maxSeq(account_id: string): number {
    return (this.st.maxSeq.get(account_id) as number | null) ?? 0;
  }

  /** Up to EVENTS_PER_INSERT rows per statement. */
  insertEvents(ev: [string, number, string][]): void {
    let i = 0;
    while (i < ev.length) {
      const n = Math.min(EVENTS_PER_INSERT, ev.length - i);
      let stmt = this.insertEventsByCount[n];
      if (!stmt) {
        stmt = this.db.prepare(`INSERT INTO events (account_id, seq, json) VALUES ${Array.from({ length: n }, () => '(?, ?, ?)').join(', ')}`);
        this.insertEventsByCount[n] = stmt;
      }
      const args: unknown[] = [];
      for (let k = i; k < i + n; k++) args.push(...ev[k]!);
      stmt.run(args);
      i += n;
    }
  }

  eventsAfter(account_id: string, after_seq: number, limit: number): string[] {
    return this.st.eventsAfter.all(account_id, after_seq, limit) as string[];
  }

  openPeriod(account_id: string): PeriodRow | undefined {
    return this.st.openPeriod.get(account_id) as PeriodRow | undefined;
  }

  duePeriods(now_ms: number, limit: number): PeriodRow[] {
    return this.st.duePeriods.all(now_ms, limit) as PeriodRow[];
  }

  insertPeriod(p: Omit<PeriodRow, 'used_lots' | 'redeemed_lots' | 'status' | 'unused_lots'>): void {
    this.st.insertPeriod.run(p.id, p.account_id, p.idx, p.starts_ms, p.ends_ms, p.price_usd, p.credits_lots, p.face_value_usd, p.election);
  }

  closePeriod(id: string, unused_lots: number): void {
    this.db.prepare(`UPDATE periods SET status = 'closed', unused_lots = ? WHERE id = ?`).run(unused_lots, id);
  }

  setElection(id: string, election: PeriodRow['election']): void {
    this.db.prepare(`UPDATE periods SET election = ? WHERE id = ?`).run(election, id);
  }

  addUsedLots(id: string, lots: number): void {
    this.db.prepare(`UPDATE periods SET used_lots = used_lots + ? WHERE id = ?`).run(lots, id);
  }

  addRedeemedLots(id: string, lots: number): void {
    this.db.prepare(`UPDATE periods SET redeemed_lots = redeemed_lots + ? WHERE id = ?`).run(lots, id);
  }

  storedRequest(account_id: string, request_id: string): StoredRequest | undefined {
    return this.st.storedRequest.get(account_id, request_id) as StoredRequest | undefined;
  }

  pruneRequests(before_ms: number): void {
    this.st.pruneRequests.run(before_ms);
  }

  insertRequest(account_id: string, request_id: string, r: StoredRequest, created_ms: number): void {
    this.st.insertRequest.run(account_id, request_id, r.kind, r.body, r.response, created_ms);
  }

  claimSignature(timestamp_ms: number, signature: Buffer): boolean {
    return this.st.claimSignature.run(timestamp_ms, signature).changes === 1;
  }

  pruneSignatures(before_ms: number): number {
    return this.st.pruneSignatures.run(before_ms).changes;
  }

  orderByNum(num: number): OrderRow | undefined {
    return this.st.orderByNum.get(num) as OrderRow | undefined;
  }

  orderByClientId(account_id: string, client_order_id: string): OrderRow | undefined {
    return this.st.orderByClientId.get(account_id, client_order_id) as OrderRow | undefined;
  }

  maxOrderNum(): number {
    return this.st.maxOrderNum.get() as number;
  }

  insertOrder(d: OrderRow): void {
    this.st.insertOrder.run(
      d.num, d.account_id, d.client_order_id, d.request_hash, d.side, d.type, d.price_ticks, d.protection_ticks, d.qty_lots, d.filled_lots,
      d.notional_micros, d.fees_micros, d.reserved_micros, d.reserved_lots, d.tif, d.expire_ms, d.post_only, d.status, d.reason, d.created_ms, d.updated_ms,
    );
  }

  updateOrderState(num: number, o: Pick<OrderRow, 'filled_lots' | 'notional_micros' | 'fees_micros' | 'reserved_micros' | 'reserved_lots' | 'status' | 'reason' | 'updated_ms'>): void {
    this.st.updateOrder.run(o.filled_lots, o.notional_micros, o.fees_micros, o.reserved_micros, o.reserved_lots, o.status, o.reason, o.updated_ms, num);
  }

  openOrders(): Pick<OrderRow, 'num' | 'account_id' | 'side' | 'price_ticks' | 'qty_lots' | 'filled_lots'>[] {
    return this.st.openOrders.all() as Pick<OrderRow, 'num' | 'account_id' | 'side' | 'price_ticks' | 'qty_lots' | 'filled_lots'>[];
  }

  listOrders(account_id: string, status: OrderStatusFilter, limit: number): OrderRow[] {
    return (status === 'open' ? this.st.listOpen : this.st.listAll).all(account_id, limit) as OrderRow[];
  }

  gtdDue(now_ms: number, limit: number): OrderRow[] {
    return this.st.gtdDue.all(now_ms, limit) as OrderRow[];
  }

  nextExpiryMs(): number | null {
    return this.st.nextExpiry.get() as number | null;
  }

  orderCount(): number {
    return this.st.orderCount.get() as number;
  }

  insertTrade(time_ms: number, price_ticks: number, qty_lots: number, taker_side: Side, maker_order: number | null, taker_order: number | null): number {
    return Number(this.st.insertTrade.run(time_ms, price_ticks, qty_lots, taker_side, maker_order, taker_order).lastInsertRowid);
  }

  lastTradeTicks(): number | null {
    return (this.st.lastTrade.get() as number | undefined) ?? null;
  }

  trades(before_num: number, limit: number): TradeRow[] {
    return this.st.trades.all(before_num, limit) as TradeRow[];
  }

  tradeCount(): number {
    return this.st.tradeCount.get() as number;
  }

  upsertCandles(candles: CandleUpsert[]): void {
    for (const c of candles) this.st.upsertCandle.run(c.iv, c.bucket, c.open, c.high, c.low, c.close, c.lots);
  }

  candles(interval: string, before_s: number, limit: number): CandleRow[] {
    return this.st.candles.all(interval, before_s, limit) as CandleRow[];
  }

  volumeSince(bucket_s: number): number {
    return this.st.volumeSince.get(bucket_s) as number;
  }

  addTotals(t: TotalsDelta): void {
    this.st.addTotals.run(t[0], t[1], t[2], t[3], t[4]);
  }

  totals(): TotalsRow {
    const t = this.st.totals.get() as TotalsRow | undefined;
    assert(t, 'totals row missing');
    return t;
  }

  balanceSums(): { usd: number; tok: number } {
    return this.st.balanceSums.get() as { usd: number; tok: number };
  }

  reservationMismatch(): string | undefined {
    return this.st.reservationMismatch.get() as string | undefined;
  }

  openOrderCount(): number {
    return this.st.openOrderCount.get() as number;
  }

  seqGap(): string | undefined {
    return this.st.seqGap.get() as string | undefined;
  }
}
