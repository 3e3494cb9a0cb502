// The tax engine's input from the wallet's local ledger: every acquisition and disposal
// of tokens, in ledger order. Fills are buys and sells (the fee carried on the fill), mints
// are acquisitions (allocated subscription cost as basis, market price at mint as FMV),
// redemptions are disposals at market value. Entries that a later reversing entry cancels
// are left out: the journal is append-only, so a correction is a pair, never an edit.
// The entries come from the ledger module's reads (ledger/tax-entries.ts): tax never reads the
// journal's tables itself. Its own file, not ledger/index.js, so the worker does not load the
// whole ledger.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { zNonNegativeDecimal, zPositiveDecimal } from '../../../shared/money.js';
import { zSide, type AccountEvent } from '../../../shared/platform/events.js';
import { allTaxEntries, lastLedgerEvent, readTaxEntriesAfter, type TaxEntry } from '../ledger/tax-entries.js';
import type { TaxTransaction } from './types.js';

const FillData = z.object({ side: zSide, price_usd: zPositiveDecimal, quantity: zPositiveDecimal, fee_usd: zNonNegativeDecimal, client_order_id: z.string().min(1).max(64) });
const MintData = z.object({ tokens: zPositiveDecimal, market_price_usd: zPositiveDecimal, allocated_cost_usd: zNonNegativeDecimal });
const RedemptionData = z.object({ tokens: zPositiveDecimal, market_price_usd: zPositiveDecimal });

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
export function transactionFromRow(r: TaxEntry): TaxTransaction {
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
  const transactions: TaxTransaction[] = [];
  for (const r of allTaxEntries(db)) transactions.push(transactionFromRow(r));
  const last = lastLedgerEvent(db);
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
  const transactions: TaxTransaction[] = [];
  const read = readTaxEntriesAfter(db, after_seq, (r) => transactions.push(transactionFromRow(r)));
  return { transactions, ...read };
}

/** "data as of" of the reports and views made from the ledger up to `cursor_seq`. */
export function ledgerDataAsOf(cursor_seq: number, cursor_time: string | null): string {
  return cursor_seq > 0 ? `wallet ledger through event #${cursor_seq} (${cursor_time ?? '?'})` : 'wallet ledger (empty)';
}
