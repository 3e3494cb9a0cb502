// The local ledger (issue #4). Public API for the app, the CLI and later modules:
//
//   openLedger({ path, logger? }): Ledger           opens/creates, runs migrations, loads cached balances (no scans)
//   ledger.ingest(raw_events: unknown[]): IngestResult
//        validates each event, applies them in seq order from cursor+1 in bounded transactions,
//        idempotent by event id/seq, quarantines bad events (with the reason), stops at a gap.
//   ledger.skipMissing(seq, reason)                 records a never-delivered seq in quarantine, moves on
//   ledger.cursorSeq(): number                      last committed seq (sync resumes after it)
//   ledger.balances(): BalanceRow[]                 every (account, commodity) balance, decimal strings
//   ledger.walletBalances(): { usd, token, credits, cursor_seq, entry_count }
//   ledger.recentEntries(limit): EntryView[]        newest first, with postings
//   ledger.quarantined(limit) / quarantineCount()
//   ledger.orders(limit)                            latest state of orders seen in order events
//   ledger.feedOrders(): FeedOrders                 the same as named reads: live(limit), allLive(), byId(), byClientId()
//   ledger.reverse(entry_id, reason): number        appends a reversing entry (append-only journal)
//   ledger.verify(): VerifyReport                   every invariant, re-derived from the journal
//   ledger.reconcile(platform_balances): ReconcileResult; ledger.mismatches(open_only?); ledger.openMismatchCount()   (reconcile.ts)
//   ledger.upsertCandles(interval, candles) / candles(interval, before?, limit) / latestCandleTime(interval)   (market-cache.ts)
//   ledger.insertTrades(trades) / recentTrades(limit) / latestTradeTime()
//   ledger.taxEntriesAfter(after_seq, onEntry)     fills, mints, redemptions after a seq, in ledger order, reversed ones left out
//   readTaxEntriesAfter(db, …) / allTaxEntries(db) / lastLedgerEvent(db) / reversalCount(db)
//        the same reads on any connection to the file (the tax worker and `wallet report` open their own, read-only)
//   ledger.database()                               the better-sqlite3 handle, for modules that add tables (their own tables only)
//   ledger.close()
//
// Storage decision: amounts are scaled integers (× 10^8, SQLite INTEGER, BigInt in JS);
// see amounts.ts for why. Chart of accounts: chart.ts. Since schema v6 an entry's postings
// are stored in its own row (entries.k1..a8, see mapping.ts/migrations.ts: one row per
// event instead of 1 + one per posting); the `postings` view shows them as rows.
export {
  openLedger,
  Ledger,
  INGEST_BATCH_MAX,
  type OpenLedgerOptions,
  type IngestResult,
  type AppliedBatch,
  type BalanceRow,
  type WalletBalances,
  type EntryView,
  type QuarantineRow,
  type Mismatch,
  type ReconcileResult,
  type CachedTrade,
} from './ledger.js';
export { FeedOrders, FEED_LIVE_STATUSES, type FeedOrder } from './feed-orders.js';
export { formatVerifyReport, type VerifyReport, type VerifyProblem } from './verify.js';
export { allTaxEntries, lastLedgerEvent, readTaxEntriesAfter, reversalCount, TAX_ENTRY_TYPES, type TaxEntry, type TaxEntriesRead } from './tax-entries.js';
export { ACCOUNTS, type AccountName } from './chart.js';
export { fromScaled, toScaled, SCALE_DIGITS, type Commodity } from './amounts.js';
export { LATEST_VERSION, MIGRATIONS } from '../db/migrations.js';
