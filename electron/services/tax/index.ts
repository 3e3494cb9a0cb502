// Tax engine: lots, Form 8949, Schedule D, loss carryover, TXF / TurboTax / CSV / PDF exports.
// A plain module (no Electron, no UI). Rules: shared/domain/us-tax-rules.md; guide: docs/TAX.md.
//
// API (all amounts are decimal strings; USD amounts in outputs have two decimals):
//
//   parseTransactionsCsv(text: string): TaxTransaction[]
//     The documented CSV (id,time,type,quantity,price[,fee][,basis][,lots]; any column order).
//     Throws TaxInputError { row, column, tx_id, detail } for a row that cannot be read.
//
//   computeTaxYear(transactions: TaxTransaction[], settings: TaxSettingsInput): TaxYearResult
//     settings: { year, method_orders?: {method, effective_from}[], filing_status?, wash_sale?,
//       mint_basis?, digital_asset?, box_short?, box_long?, tz?, prior_year?, taxable_income?,
//       asset_symbol?, data_as_of? }  (zod schema zTaxSettings; defaults: FIFO, single, wash
//       sales off, allocated, boxes C/F, UTC).
//     Returns { rows: Form8949Row[] (one per lot portion), schedule_d (lines 1b-3, 6, 7,
//       8b-10, 14-16, 21, worksheet, next_year_worksheet, carryovers), income: IncomeRow[],
//       lots: LotView[] (held at year end), totals, last_event_time, settings }.
//     Throws TaxInputError for bad values, a sale of more than is held, a specific-ID lot that
//     does not exist / is not yet acquired / is used up. Pure: same input, same output.
//
//   unrealizedPositions(transactions, settings, market_price_usd: string, as_of: string): UnrealizedLot[]
//     Per lot held at `as_of`: quantity, basis, FMV, unrealized gain, term, days until long-term.
//
//   whatIfSale(transactions, settings, quantity: string, price_usd: string, at: string, lots?): WhatIfResult
//     The lots, proceeds and short/long gain a sale at `at` would realize under the method in force then.
//
//   computeTaxYearFromCsv(csvText, settings): TaxYearResult  (no object per CSV row)
//   computeTaxYearFromCsvBytes(bytes, settings): the same from the file's UTF-8 bytes, as
//     readFileShared(file, bytesMax) reads them (the CLI's path: the helper worker decodes its part itself).
//   transactionsFromLedger(db) in ./from-ledger.js: the same TaxTransaction[] from the local ledger.
//   transactionFromEvent(event) in ./from-ledger.js: the TaxTransaction of one platform event (or null).
//
//   LiveTax in ./live.js: the same figures kept current one transaction at a time (year sums,
//     held lots, holdings by source, a read-only what-if); the wallet runs it in ./worker.ts.
//
//   buildReportFiles(result, meta: { data_as_of, generated_at }, opts?: { threads }): Promise<ReportFile[]>
//     opts.threads: 'auto' (default: two threads from 100k rows, row-files.ts), 'one' or 'two'; the bytes are the same.
//     The six files of `npm run wallet -- report` and their manifest.json in memory; or the single
//     writers: form8949Csv, scheduleDJson, txf, turbotaxCsv, incomeCsv (strings), gainsReportPdf (Buffer).
//     The CSVs are plain tables; provenance (data as of, settings, notes) is in the manifest and the PDF.
export { parseTransactionsCsv, forEachCsvTransaction, readCsv, CSV_COLUMNS, CSV_REQUIRED_COLUMNS, CSV_OPTIONAL_COLUMNS, CSV_BYTES_MAX } from './csv.js';
export { computeTaxYear, computeTaxYearFromCsv, computeTaxYearFromCsvBytes, unrealizedPositions, whatIfSale, parseSettings } from './engine.js';
export { readFileShared } from './csv-split.js';
export { carryoverWorksheet, lossLimitCents } from './schedule.js';
export { isLongTerm, longTermThresholdDay, dayFromCivil, civilFromDay, formatISODate, parseISODate } from './dates.js';
export {
  form8949Csv, form8949CsvBuffer, scheduleDJson, txf, txfBuffer, turbotaxCsv, turbotaxCsvBuffer, incomeCsv, TextSink, settingsSummary, rowsInFormOrder, forEachRowInFormOrder, txfNote,
  incomeNote, TURBOTAX_WASH_NOTE, FORM8949_HEADER, TURBOTAX_HEADER, INCOME_HEADER, NOT_TAX_ADVICE, TXF_REFNUM, TXF_WASH_REFNUM, type ReportMeta,
} from './writers.js';
export { gainsReportPdf, MINT_POLICY_TEXT, PDF_ROWS_MAX } from './pdf.js';
export { buildReportFiles, reportFileNames, type ReportFile, type ReportOptions } from './report.js';
export { reportManifest, MANIFEST_NAME, MANIFEST_FORMAT, type ReportManifest, type ManifestFile } from './manifest.js';
export * from './types.js';
