// The tax engine's input from the wallet's local ledger: every acquisition and disposal
// of tokens, in ledger order. Fills are buys and sells (the fee carried on the fill), mints
// are acquisitions (allocated subscription cost as basis, market price at mint as FMV),
// redemptions are disposals at market value. Entries that a later reversing entry cancels
// are left out: the journal is append-only, so a correction is a pair, never an edit.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { zNonNegativeDecimal, zPositiveDecimal } from '../../../shared/money.js';
import { zSide } from '../../../shared/platform/events.js';
import type { TaxTransaction } from './types.js';

const FillData = z.object({ side: zSide, price_usd: zPositiveDecimal, quantity: zPositiveDecimal, fee_usd: zNonNegativeDecimal });
const MintData = z.object({ tokens: zPositiveDecimal, market_price_usd: zPositiveDecimal, allocated_cost_usd: zNonNegativeDecimal });
const RedemptionData = z.object({ tokens: zPositiveDecimal, market_price_usd: zPositiveDecimal });

interface Row {
  seq: number;
  event_id: string;
  type: 'fill' | 'mint' | 'redemption';
  time: string;
  data: string;
}

export class LedgerTaxError extends Error {}

function toTransaction(r: Row): TaxTransaction {
  const raw: unknown = JSON.parse(r.data);
  const where = `ledger event #${r.seq} (${r.type})`;
  if (r.type === 'fill') {
    const d = FillData.safeParse(raw);
    if (!d.success) throw new LedgerTaxError(`${where}: ${d.error.issues[0]?.message}`);
    return { id: r.event_id, time: r.time, type: d.data.side, quantity: d.data.quantity, price_usd: d.data.price_usd, fee_usd: d.data.fee_usd };
  }
  if (r.type === 'mint') {
    const d = MintData.safeParse(raw);
    if (!d.success) throw new LedgerTaxError(`${where}: ${d.error.issues[0]?.message}`);
    return { id: r.event_id, time: r.time, type: 'mint', quantity: d.data.tokens, price_usd: d.data.market_price_usd, fee_usd: '0', basis_usd: d.data.allocated_cost_usd };
  }
  const d = RedemptionData.safeParse(raw);
  if (!d.success) throw new LedgerTaxError(`${where}: ${d.error.issues[0]?.message}`);
  return { id: r.event_id, time: r.time, type: 'redeem', quantity: d.data.tokens, price_usd: d.data.market_price_usd, fee_usd: '0' };
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
  for (const r of rows) transactions.push(toTransaction(r));
  const last = db.prepare(`SELECT seq, time FROM entries WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`).get() as { seq: number; time: string } | undefined;
  return {
    transactions,
    data_as_of: last ? `wallet ledger through event #${last.seq} (${last.time})` : 'wallet ledger (empty)',
  };
}
