// Messages between the wallet's main thread and the tax worker (worker.ts). Both ends are this
// codebase; the worker checks every message against these schemas anyway (a boundary).
import { z } from 'zod';
import type { TaxTransaction, TaxWarning, UnrealizedLot, WhatIfResult } from './types.js';
import type { YearFigures } from './live.js';

/** The settings the engine reads (the wallet's settings.json `tax` part). */
export const zWorkerSettings = z.strictObject({
  method_orders: z.array(z.strictObject({ method: z.enum(['fifo', 'lifo', 'hifo', 'specific']), effective_from: z.string().max(40) })).max(1000),
  mint_basis: z.enum(['allocated', 'fmv', 'zero']),
  wash_sale: z.boolean(),
  digital_asset: z.boolean(),
  filing_status: z.enum(['single', 'mfj', 'mfs', 'hoh']),
});
export type WorkerSettings = z.infer<typeof zWorkerSettings>;

const zTx = z.custom<TaxTransaction>((v) => typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string');

const zLotRefs = z.array(z.strictObject({ id: z.string().min(1).max(128), quantity: z.string().max(40) })).min(1).max(1000);
/** A sell order placed from this wallet and the lots it chose (its fills carry them to the engine as order_lots). */
export const zOrderLots = z.strictObject({ order: z.string().min(1).max(64), lots: zLotRefs });
export type OrderLots = z.infer<typeof zOrderLots>;

export const zToWorker = z.discriminatedUnion('kind', [
  /** First message: where the ledger file is, and the settings. The worker reads the whole history. */
  z.strictObject({
    kind: z.literal('configure'),
    ledger_path: z.string().min(1).max(4096),
    /** The SQLite addon build the main thread chose (the desktop app's Electron build); absent = the default. */
    native_binding: z.string().min(1).max(4096).optional(),
    /** The ledger's key (hex) when the data folder is encrypted (electron/services/db/cipher.ts). */
    db_key_hex: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    settings: zWorkerSettings,
    /** Every order with chosen lots the orders module holds (before any of their fills is read). */
    order_lots: z.array(zOrderLots).max(1_000_000).optional(),
  }),
  z.strictObject({ kind: z.literal('settings'), settings: zWorkerSettings }),
  /** A sell order with chosen lots was placed: sent before any of its fills can arrive. */
  z.strictObject({ kind: z.literal('order_lots'), choice: zOrderLots }),
  /** A committed ledger batch: every event's seq, with its tax transaction (null when it has none). */
  z.strictObject({
    kind: z.literal('events'),
    items: z.array(z.strictObject({ seq: z.number().int().positive(), tx: zTx.nullable() })).max(100_000),
    cursor_seq: z.number().int().nonnegative(),
    cursor_time: z.string().max(40).nullable(),
    /** When set, the worker sends this summary and the holdings along with 'changed' (no second round trip). */
    view: z.strictObject({ year: z.number().int().min(2000).max(2200), price: z.string().max(40).nullable(), now: z.string().max(40), lots_max: z.number().int().nonnegative().max(100_000) }).nullable(),
  }),
  /** Read whatever the ledger file has after the worker's cursor (a safety net for missed batches). */
  z.strictObject({ kind: z.literal('sync') }),
  /** Recompute from the whole history (e.g. after a reversal). */
  z.strictObject({ kind: z.literal('rebuild') }),
  z.strictObject({
    kind: z.literal('ask'),
    id: z.number().int().nonnegative(),
    q: z.discriminatedUnion('what', [
      z.strictObject({ what: z.literal('summary'), year: z.number().int().min(2000).max(2200), price: z.string().max(40).nullable(), now: z.string().max(40), lots_max: z.number().int().nonnegative().max(100_000) }),
      z.strictObject({ what: z.literal('holdings') }),
      z.strictObject({ what: z.literal('whatif'), quantity: z.string().max(40), price: z.string().max(40), now: z.string().max(40), lots: zLotRefs.optional(), fee: z.string().max(40).optional() }),
      z.strictObject({ what: z.literal('export'), year: z.number().int().min(2000).max(2200), now: z.string().max(40) }),
    ]),
  }),
]);
export type ToWorker = z.infer<typeof zToWorker>;
export type Question = Extract<ToWorker, { kind: 'ask' }>['q'];

/** Where the answers stand: the ledger event they include and what they were computed from. */
export interface AsOf {
  as_of_seq: number;
  data_as_of: string;
  transactions: number;
}

export interface SummaryAnswer extends AsOf {
  figures: YearFigures;
  lots: UnrealizedLot[];
  lots_truncated: boolean;
  warnings: TaxWarning[];
}
export interface HoldingsAnswer extends AsOf {
  groups: { source: 'mint' | 'buy' | 'income'; quantity: string; cost_basis: string }[];
}
/** The report files, built in the worker; the main thread writes them as one export (report-exports.ts). */
export interface ExportAnswer {
  data_as_of: string;
  files: { name: string; content: string | Uint8Array }[];
}
/** The pushed view's parts, or why the history has none. */
export type ViewAnswer = { ok: true; summary: SummaryAnswer; holdings: HoldingsAnswer } | { ok: false; as_of_seq: number; problem: string };
export type Answer = SummaryAnswer | HoldingsAnswer | WhatIfResult | ExportAnswer;

export type FromWorker =
  /** The figures changed (or a recompute finished): the view is worth pushing again; `view` when asked for. */
  | { kind: 'changed'; as_of_seq: number; view?: ViewAnswer }
  | { kind: 'answer'; id: number; ok: true; value: Answer }
  /** code 'tax_input': the history or the question is wrong (message says where); 'internal' otherwise. */
  | { kind: 'answer'; id: number; ok: false; code: 'tax_input' | 'internal'; message: string };
