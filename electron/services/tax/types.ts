// Public types and boundary schemas of the tax engine.
import { z } from 'zod';
import { zDecimal } from '../../../shared/money.js';
import { ISO_TIMESTAMP_PATTERN } from './dates.js';

export const TX_TYPES = ['buy', 'sell', 'mint', 'redeem', 'income'] as const;
export type TxType = (typeof TX_TYPES)[number];
export const ACQUISITION_TYPES: readonly TxType[] = ['buy', 'mint', 'income'];

export const METHODS = ['fifo', 'lifo', 'hifo', 'specific'] as const;
export type LotMethod = (typeof METHODS)[number];
export const FILING_STATUSES = ['single', 'mfj', 'mfs', 'hoh'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];
export const MINT_BASIS_POLICIES = ['allocated', 'fmv', 'zero'] as const;
export type MintBasisPolicy = (typeof MINT_BASIS_POLICIES)[number];
export const SHORT_BOXES = ['A', 'B', 'C', 'G', 'H', 'I'] as const;
export const LONG_BOXES = ['D', 'E', 'F', 'J', 'K', 'L'] as const;
export type ShortBox = (typeof SHORT_BOXES)[number];
export type LongBox = (typeof LONG_BOXES)[number];
export type Box = ShortBox | LongBox;

/** Upper bounds on inputs (explicit limits; a year of a busy wallet is far below them). */
export const LIMITS = {
  transactions_max: 5_000_000,
  id_chars_max: 128,
  lots_per_disposal_max: 10_000,
  method_orders_max: 1_000,
} as const;

/** One normalized transaction: what the CSV importer and the ledger adapter produce. */
export interface TaxTransaction {
  id: string;
  /** ISO 8601 timestamp with offset or Z. */
  time: string;
  type: TxType;
  /** Tokens, > 0, at most 8 decimals. */
  quantity: string;
  /** USD per token: trade price, or market price at mint, income or redemption. */
  price_usd: string;
  /** USD, >= 0. */
  fee_usd: string;
  /** Total USD basis of a mint under the `allocated` policy. */
  basis_usd?: string;
  /** Specific identification: acquiring transaction ids and quantities. */
  lots?: { id: string; quantity: string }[];
  /** The order a fill belongs to (the wallet's client_order_id): fills of one order share it. */
  order?: string;
  /**
   * The lots the order chose when it was placed (wallet sells), in order, adding up to the order's
   * quantity. Unlike `lots` it is a wish made before the fill: the order's fills take from the
   * list in order (a partial fill takes the next part of it); a fill whose part cannot be taken
   * (a lot used up or gone meanwhile) uses the standing method instead, with a warning.
   */
  order_lots?: { id: string; quantity: string }[];
  /** Where the transaction came from (1-based row of the CSV, header is row 1), for error messages. */
  row?: number;
}

const isoTimestamp = z.string().max(40).regex(ISO_TIMESTAMP_PATTERN, 'must be an ISO 8601 timestamp with offset or Z');

export const zMethodOrder = z.object({
  method: z.enum(METHODS),
  /** Applies to disposals at or after this moment; never retroactively. */
  effective_from: isoTimestamp,
});
export type MethodOrder = z.infer<typeof zMethodOrder>;

export const zPriorYear = z.strictObject({
  taxable_income: zDecimal,
  line7: zDecimal,
  line15: zDecimal,
  line21: zDecimal,
});
export type PriorYear = z.infer<typeof zPriorYear>;

export const zTaxSettings = z.strictObject({
  /** The tax year (required by computeTaxYear; unused by the what-if and unrealized views). */
  year: z.number().int().min(2000).max(2200).optional(),
  /** Standing orders, in increasing effective_from. Before the first one, FIFO applies. */
  method_orders: z.array(zMethodOrder).max(LIMITS.method_orders_max).default([]),
  filing_status: z.enum(FILING_STATUSES).default('single'),
  wash_sale: z.boolean().default(false),
  mint_basis: z.enum(MINT_BASIS_POLICIES).default('allocated'),
  digital_asset: z.boolean().default(false),
  box_short: z.enum(SHORT_BOXES).optional(),
  box_long: z.enum(LONG_BOXES).optional(),
  tz: z.string().min(1).max(64).default('UTC'),
  /**
   * Under a specific-identification standing order, a disposal that names no lots: 'refuse' it
   * (CSV input must name them), or use FIFO, the rule without adequate identification, and
   * record a warning (the wallet: a fill of an order placed elsewhere, a redemption).
   */
  specific_without_lots: z.enum(['refuse', 'fifo']).default('refuse'),
  prior_year: zPriorYear.optional(),
  /** This year's taxable income (before the zero floor), for the carryover into next year. */
  taxable_income: zDecimal.optional(),
  asset_symbol: z.string().min(1).max(16).regex(/^[A-Za-z0-9._-]+$/).default('CMPT'),
  /** Where the data came from, printed in every output ("data as of"). */
  data_as_of: z.string().max(500).default('unspecified input'),
});
export type TaxSettingsInput = z.input<typeof zTaxSettings>;
export type TaxSettings = z.output<typeof zTaxSettings>;

/** An input problem, located by CSV row (when known), transaction id and column. */
export class TaxInputError extends Error {
  constructor(
    readonly detail: string,
    readonly column: string,
    readonly tx_id?: string,
    readonly row?: number,
  ) {
    super(
      `${row !== undefined ? `row ${row}` : tx_id !== undefined ? `transaction ${JSON.stringify(tx_id)}` : 'input'}` +
        `${row !== undefined && tx_id !== undefined ? ` (id ${JSON.stringify(tx_id)})` : ''}, column ${column}: ${detail}`,
    );
    this.name = 'TaxInputError';
  }
}

export type Term = 'short' | 'long';

/** One Form 8949 row: one portion of one lot disposed of. Amounts are two-decimal strings. */
export interface Form8949Row {
  part: 'I' | 'II';
  box: Box;
  term: Term;
  description: string;
  quantity: string;
  /** YYYY-MM-DD: start of the holding period (tacked after a wash sale), column (b). */
  date_acquired: string;
  date_sold: string;
  proceeds: string;
  cost_basis: string;
  code: '' | 'W';
  adjustment: string;
  gain_loss: string;
  lot_id: string;
  disposal_id: string;
  disposal_type: 'sell' | 'redeem';
  method: LotMethod;
}

export interface BoxTotals {
  proceeds: string;
  cost: string;
  adjustment: string;
  gain: string;
}

export interface CarryoverWorksheet {
  /** False when the worksheet does not apply (no carryover); the lines are then null. */
  applies: boolean;
  reason: string;
  lines: Record<`line${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13}`, string | null>;
  short_term_carryover: string;
  long_term_carryover: string;
}

export interface ScheduleD {
  line1b: BoxTotals;
  line2: BoxTotals;
  line3: BoxTotals;
  line8b: BoxTotals;
  line9: BoxTotals;
  line10: BoxTotals;
  line6: string;
  line7: string;
  line14: string;
  line15: string;
  line16: string;
  line21: string;
  /** Capital loss carryover worksheet from the prior year's figures (gives lines 6 and 14). */
  worksheet: CarryoverWorksheet;
  /** The same worksheet run on this year's figures: the carryover into next year. */
  next_year_worksheet: CarryoverWorksheet;
  carryover_short_term: string;
  carryover_long_term: string;
  /** What the next-year carryover assumed about this year's taxable income. */
  carryover_assumption: string;
}

export interface IncomeRow {
  id: string;
  date: string;
  type: 'mint' | 'income';
  quantity: string;
  price_usd: string;
  amount_usd: string;
}

/** A lot (or a piece of one split off by a wash sale) as it stands after the processed events. */
export interface LotView {
  lot_id: string;
  piece: number;
  source: 'buy' | 'mint' | 'income';
  /** ISO timestamp in UTC. */
  acquired_time: string;
  /** Start of the holding period (YYYY-MM-DD); earlier than the acquisition date after a wash sale tacks one on. */
  holding_start: string;
  original_quantity: string;
  original_basis: string;
  remaining_quantity: string;
  remaining_basis: string;
  wash_adjustment: string;
}

export interface TaxYearResult {
  year: number;
  settings: TaxSettings;
  /** One row per lot portion, in time order (built on first read). */
  rows: Form8949Row[];
  row_count: number;
  schedule_d: ScheduleD;
  income: IncomeRow[];
  /** Lots still held at the end of the year (built on first read). */
  lots: LotView[];
  totals: {
    short_term_gain: string;
    long_term_gain: string;
    ordinary_income: string;
    wash_sale_disallowed: string;
  };
  /** Time of the last event processed (ISO, UTC), or null without events. */
  last_event_time: string | null;
  /** Disposals of the year whose lots were not the ones named (see TaxWarning), in time order. */
  warnings: TaxWarning[];
  transactions_processed: number;
}

/** How a lot was acquired: minted from unused compute, bought on the exchange, or other income. */
export type LotSource = 'mint' | 'buy' | 'income';

export interface UnrealizedLot {
  lot_id: string;
  source: LotSource;
  piece: number;
  quantity: string;
  holding_start: string;
  cost_basis: string;
  fmv: string;
  unrealized_gain: string;
  term: Term;
  /** 0 when already long-term. */
  days_until_long_term: number;
}

/** A disposal that did not use the lots its order chose (or named none under specific ID), and what was used. */
export interface TaxWarning {
  disposal_id: string;
  /** YYYY-MM-DD, the date sold. */
  date: string;
  message: string;
}

export interface WhatIfPortion {
  lot_id: string;
  piece: number;
  /** YYYY-MM-DD: the day the lot was acquired (the holding period may start earlier after a wash sale). */
  acquired_date: string;
  quantity: string;
  holding_start: string;
  term: Term;
  proceeds: string;
  cost_basis: string;
  /** Wash-sale disallowed loss (code W) when wash sales are on and a replacement was bought in the last 30 days. */
  adjustment: string;
  gain: string;
}

export interface WhatIfResult {
  /** The method the portions were taken by: 'specific' when lots were named. */
  method: LotMethod;
  /**
   * The standing order is specific identification and no lots were named: the portions are
   * what FIFO would take (what a fill without a choice gets), and the sale should name its lots.
   */
  needs_lot_selection: boolean;
  quantity: string;
  proceeds: string;
  cost_basis: string;
  short_term_gain: string;
  long_term_gain: string;
  wash_sale_disallowed: string;
  portions: WhatIfPortion[];
}
