// Wallet API shapes for tax lots and the yearly gains report (the engine is
// electron/services/tax; rules in the domain notes). Amounts are decimal strings.
import { z } from 'zod';
import { zDecimal, zNonNegativeDecimal, zPositiveDecimal } from '../money.js';
import { zIsoTime } from '../platform/events.js';

/** 'specific': specific identification. A sell names its lots (the order ticket's choice); a
 *  disposal that names none (an order placed elsewhere, a redemption) uses FIFO, the rule without
 *  adequate identification, and is listed in the summary's `warnings`. */
export const zLotMethod = z.enum(['fifo', 'lifo', 'hifo', 'specific']);
export const zMintBasis = z.enum(['allocated', 'fmv', 'zero']);
export const zFilingStatus = z.enum(['single', 'mfj', 'mfs', 'hoh']);
export const zTerm = z.enum(['short', 'long']);

/** Standing order: a lot method from a moment on. Never applies to earlier disposals. */
export const MethodOrder = z.strictObject({ method: zLotMethod, effective_from: zIsoTime });

export const TaxSettingsView = z.strictObject({
  method_orders: z.array(MethodOrder).max(100),
  /** The method in force now. */
  method: zLotMethod,
  mint_basis: zMintBasis,
  wash_sale: z.boolean(),
  digital_asset: z.boolean(),
  filing_status: zFilingStatus,
});
export type TaxSettingsView = z.infer<typeof TaxSettingsView>;

/** Changing the method appends a standing order effective now; the others are report policies. */
export const TaxSettingsUpdate = z.strictObject({
  method: zLotMethod.optional(),
  mint_basis: zMintBasis.optional(),
  wash_sale: z.boolean().optional(),
  digital_asset: z.boolean().optional(),
  filing_status: zFilingStatus.optional(),
});

const Totals = z.strictObject({ proceeds: zDecimal, cost: zDecimal, adjustment: zDecimal, gain: zDecimal });

/** How a lot was acquired: minted from unused compute, bought on the exchange, or other income. */
export const zLotSource = z.enum(['mint', 'buy', 'income']);

export const HeldLot = z.strictObject({
  lot_id: z.string().max(80),
  source: zLotSource,
  piece: z.number().int().nonnegative(),
  holding_start: z.string().max(10),
  quantity: zDecimal,
  cost_basis: zDecimal,
  fmv: zDecimal.nullable(),
  unrealized_gain: zDecimal.nullable(),
  term: zTerm,
  days_until_long_term: z.number().int().nonnegative(),
});

/** A disposal that did not use the lots its order chose (a chosen lot was gone at the fill), or
 *  named none under specific identification: what was used instead. Also in the report files. */
export const TaxWarning = z.strictObject({ disposal_id: z.string().max(128), date: z.string().max(10), message: z.string().max(500) });
export const TAX_WARNINGS_MAX = 1000;

/** The lots a sale takes, in order: a held lot's `lot_id` (HeldLot.lot_id) and the tokens from it. */
export const LotPick = z.strictObject({ lot_id: z.string().min(1).max(80), quantity: zPositiveDecimal });
export const LOT_PICKS_MAX = 100;
export const zLotPicks = z
  .array(LotPick)
  .min(1, 'name at least one lot, or leave lots out')
  .max(LOT_PICKS_MAX)
  .superRefine((lots, ctx) => {
    const seen = new Set<string>();
    lots.forEach((l, i) => {
      if (seen.has(l.lot_id)) ctx.addIssue({ code: 'custom', path: [i, 'lot_id'], message: `lot ${l.lot_id} is named twice` });
      seen.add(l.lot_id);
    });
  });
export type LotPick = z.infer<typeof LotPick>;

export const TaxSummaryRequest = z.strictObject({ year: z.number().int().min(2000).max(2200) });
export const TaxSummary = z.strictObject({
  year: z.number().int(),
  data_as_of: z.string().max(500),
  /** The ledger event the figures include (may trail the ledger briefly on a large history). */
  as_of_seq: z.number().int().nonnegative(),
  transactions: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  short_term: Totals,
  long_term: Totals,
  ordinary_income: zDecimal,
  line16: zDecimal,
  line21: zDecimal,
  carryover_short_term: zDecimal,
  carryover_long_term: zDecimal,
  /** Lots held now, valued at the last price (null while no price is known). */
  lots: z.array(HeldLot).max(1000),
  lots_truncated: z.boolean(),
  /** The year's disposals that did not take the lots chosen for them (see TaxWarning), oldest first. */
  warnings: z.array(TaxWarning).max(TAX_WARNINGS_MAX),
  warnings_truncated: z.boolean(),
  settings: TaxSettingsView,
});
export type TaxSummary = z.infer<typeof TaxSummary>;

/** Tokens held now, by how they were acquired (the held lots under the lot method in force).
 *  Price-free: the screen values them at the live price. */
export const HoldingsBySource = z.strictObject({
  data_as_of: z.string().max(500),
  /** The ledger event these holdings include (may trail the ledger briefly on a large history). */
  as_of_seq: z.number().int().nonnegative(),
  groups: z.array(z.strictObject({ source: zLotSource, quantity: zDecimal, cost_basis: zDecimal })).max(3),
});
export type HoldingsBySource = z.infer<typeof HoldingsBySource>;

export const WhatIfRequest = z.strictObject({
  quantity: zPositiveDecimal,
  /** Default: the last traded price. */
  price_usd: zPositiveDecimal.optional(),
  /** Specific identification: the held lots to sell, in order, adding up to `quantity`. Absent: the method in force. */
  lots: zLotPicks.optional(),
  /** The sale's fee (the order ticket's estimate), taken from the proceeds as on Form 8949. Default 0. */
  fee_usd: zNonNegativeDecimal.optional(),
});
export const WhatIfResponse = z.strictObject({
  /** How the portions were taken: 'specific' when lots were named, else the standing method ('fifo' when it is specific). */
  method: zLotMethod,
  /** The standing order is specific identification and no lots were named: the portions are FIFO's
   *  (what a fill without a choice gets); the ticket should ask for lots. */
  needs_lot_selection: z.boolean(),
  quantity: zDecimal,
  price_usd: zDecimal,
  proceeds: zDecimal,
  cost_basis: zDecimal,
  short_term_gain: zDecimal,
  long_term_gain: zDecimal,
  portions: z
    .array(z.strictObject({ lot_id: z.string().max(80), acquired_date: z.string().max(10), quantity: zDecimal, holding_start: z.string().max(10), term: zTerm, proceeds: zDecimal, cost_basis: zDecimal, gain: zDecimal }))
    .max(1000),
});

export const ExportReportRequest = z.strictObject({ year: z.number().int().min(2000).max(2200) });
/** One export's id: the year and the instant it was written (its own folder; nothing is overwritten). */
export const zExportId = z.string().regex(/^\d{4}-\d{8}T\d{9}Z$/, 'not an export id');
/** Report file names as the writers make them: no path, no dot-files. */
export const zReportFileName = z.string().max(100).regex(/^[a-z0-9][a-z0-9-]*\.(csv|json|txf|pdf)$/, 'not a report file name');
const ReportFile = z.strictObject({ name: zReportFileName, bytes: z.number().int().nonnegative() });

export const ExportReportResponse = z.strictObject({
  export_id: zExportId,
  year: z.number().int(),
  /** Written inside the wallet's data folder: the renderer never chooses a path. */
  folder: z.string().max(4096),
  files: z.array(ReportFile).max(20),
  /** What the figures include (the ledger's last event, or the input file). */
  data_as_of: z.string().max(500),
  created_at: zIsoTime,
});
export type ExportReportResponse = z.infer<typeof ExportReportResponse>;

export const TAX_EXPORTS_LIST_MAX = 100;
export const TaxExportsList = z.strictObject({ exports: z.array(ExportReportResponse).max(TAX_EXPORTS_LIST_MAX) });

/** A file of a past export, named by export id and file name (checked against its manifest). */
export const ReportFileRequest = z.strictObject({ export_id: zExportId, name: zReportFileName });
/** Desktop: where the user saved it (null: the dialog was canceled). */
export const SaveReportResponse = z.strictObject({ saved_to: z.string().max(4096).nullable() });

/**
 * The `tax` event: pushed by the wallet whenever the tax figures change (a fill, mint or
 * redemption committed, a setting changed, a recompute finished). The screens apply it; they
 * do not poll. Lots are valued at the last price when the view was made.
 */
export const TaxView = z.strictObject({
  /** The ledger event the view includes. */
  as_of_seq: z.number().int().nonnegative(),
  /** This year's summary (as getTaxSummary), or null while the history cannot be computed. */
  summary: TaxSummary.nullable(),
  holdings: HoldingsBySource.nullable(),
  /** Why there are no figures (e.g. a disposal of more tokens than the ledger shows held), or null. */
  problem: z.string().max(2000).nullable(),
});
export type TaxView = z.infer<typeof TaxView>;
