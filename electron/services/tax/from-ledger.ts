// The tax engine's input from the wallet's local ledger: every acquisition and disposal
// of tokens, in ledger order. Fills are buys and sells (the fee carried on the fill), mints
// are acquisitions (allocated subscription cost as basis, market price at mint as FMV),
// redemptions are disposals at market value. Entries that a later reversing entry cancels
// are left out: the journal is append-only, so a correction is a pair, never an edit.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { zNonNegativeDecimal, zPositiveDecimal } from '../../../shared/money.js';
import { zSide, type AccountEvent } from '../../../shared/platform/events.js';
import type { TaxTransaction } from './types.js';

const FillData = z.object({ side: zSide, price_usd: zPositiveDecimal, quantity: zPositiveDecimal, fee_usd: zNonNegativeDecimal, client_order_id: z.string().min(1).max(64) });
const MintData = z.object({ tokens: zPositiveDecimal, market_price_usd: zPositiveDecimal, allocated_cost_usd: zNonNegativeDecimal });
const RedemptionData = z.object({ tokens: zPositiveDecimal, market_price_usd: zPositiveDecimal });

export interface Row {
  seq: number;
  event_id: string;
  type: 'fill' | 'mint' | 'redemption';
  time: string;
  data: string;
}

export class LedgerTaxError extends Error {}

/** The fields of a fill, mint or redemption that the tax engine reads (a platform event has them all). */
type TaxSource =
  | ({ type: 'fill' } & z.infer<typeof FillData>)
  | ({ type: 'mint' } & z.infer<typeof MintData>)
  | ({ type: 'redemption' } & z.infer<typeof RedemptionData>);

function fromSource(id: string, time: string, d: TaxSource): TaxTransaction {
  // `order`: the fill's order as this wallet knows it (client_order_id), so a choice of lots made there reaches the engine.
  if (d.type === 'fill') return { id, time, type: d.side, quantity: d.quantity, price_usd: d.price_usd, fee_usd: d.fee_usd, order: d.client_order_id };
  if (d.type === 'mint') return { id, time, type: 'mint', quantity: d.tokens, price_usd: d.market_price_usd, fee_usd: '0', basis_usd: d.allocated_cost_usd };
  return { id, time, type: 'redeem', quantity: d.tokens, price_usd: d.market_price_usd, fee_usd: '0' };
}

/** The tax transaction of a platform event (validated), or null for events that move no tokens for tax. */
export function transactionFromEvent(e: AccountEvent): TaxTransaction | null {
  if (e.type === 'fill' || e.type === 'mint' || e.type === 'redemption') return fromSource(e.id, e.time, e);
  return null;
}

const DATA_SCHEMA = { fill: FillData, mint: MintData, redemption: RedemptionData } as const;

/** A journal row (its event's own fields as JSON in `data`, see eventDetail) as a tax transaction. */
export function transactionFromRow(r: Row): TaxTransaction {
  const d = DATA_SCHEMA[r.type].safeParse(JSON.parse(r.data));
  if (!d.success) throw new LedgerTaxError(`ledger event #${r.seq} (${r.type}): ${d.error.issues[0]?.message}`);
  return fromSource(r.event_id, r.time, { ...d.data, type: r.type } as TaxSource);
}

export interface LedgerTaxInput {
  transactions: TaxTransaction[];
  /** What the report was computed from: the last event in the ledger. */
  data_as_of: string;
}

/** Reads the whole token history from the ledger's journal, oldest first. */
export function transactionsFromLedger(db: Database.Database): LedgerTaxInput {
  const rows = db
    .prepare(
      `SELECT e.seq, e.event_id, e.type, e.time, e.data FROM entries e
       WHERE e.type IN ('fill', 'mint', 'redemption') AND e.seq IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses = e.id)
       ORDER BY e.seq`,
    )
    .iterate() as IterableIterator<Row>;
  const transactions: TaxTransaction[] = [];
  for (const r of rows) transactions.push(transactionFromRow(r));
  const last = db.prepare(`SELECT seq, time FROM entries WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`).get() as { seq: number; time: string } | undefined;
  return {
    transactions,
    data_as_of: last ? `wallet ledger through event #${last.seq} (${last.time})` : 'wallet ledger (empty)',
  };
}

export interface LedgerTaxSnapshot {
  /** Tax transactions of events after `after_seq`, oldest first (reversed entries left out). */
  transactions: TaxTransaction[];
  /** The ledger's cursor when read: every event up to it is included. */
  cursor_seq: number;
  /** Time of the event at the cursor (null for an empty ledger). */
  cursor_time: string | null;
  /** Reversing entries in the journal: a new one means an entry already applied was cancelled. */
  reversals: number;
}

/** One consistent read (a single read transaction) of the events after `after_seq` and the cursor. */
export function readLedgerTax(db: Database.Database, after_seq = 0): LedgerTaxSnapshot {
  return db.transaction((): LedgerTaxSnapshot => {
    const cursor_seq = (db.prepare('SELECT cursor_seq FROM sync_state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
    const rows = db
      .prepare(
        `SELECT e.seq, e.event_id, e.type, e.time, e.data FROM entries e
         WHERE e.type IN ('fill', 'mint', 'redemption') AND e.seq > ? AND e.seq <= ?
           AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses = e.id)
         ORDER BY e.seq`,
      )
      .iterate(after_seq, cursor_seq) as IterableIterator<Row>;
    const transactions: TaxTransaction[] = [];
    for (const r of rows) transactions.push(transactionFromRow(r));
    const cursor_time = (db.prepare('SELECT time FROM entries WHERE seq IS NOT NULL AND seq <= ? ORDER BY seq DESC LIMIT 1').pluck().get(cursor_seq) as string | undefined) ?? null;
    const reversals = db.prepare('SELECT COUNT(*) FROM entries WHERE reverses IS NOT NULL').pluck().get() as number;
    return { transactions, cursor_seq, cursor_time, reversals };
  })();
}

/** "data as of" of the reports and views made from the ledger up to `cursor_seq`. */
export function ledgerDataAsOf(cursor_seq: number, cursor_time: string | null): string {
  return cursor_seq > 0 ? `wallet ledger through event #${cursor_seq} (${cursor_time ?? '?'})` : 'wallet ledger (empty)';
}
