// Text outputs: Form 8949 CSV, Schedule D JSON, TXF v042, TurboTax crypto CSV, income CSV.
// The CSVs are plain tables (a header and rows, nothing else: tax-software importers and
// strict CSV readers reject comment lines); which data and settings they were computed from
// is in manifest.json beside them (manifest.ts) and in the PDF. JSON carries it in fields,
// TXF in the header's program line.
import { rowTableOf } from './engine.js';
import { ByteSink } from './bytes.js';
import { rowBytes, TXF_REFNUM, TXF_WASH_REFNUM, writeRows } from './row-writer.js';
import type { PrintableRow, RowTable } from './rows.js';
import type { Form8949Row, TaxSettings, TaxYearResult } from './types.js';

export { TXF_REFNUM, TXF_WASH_REFNUM } from './row-writer.js';

export const PROGRAM_NAME = 'Compute Wallet';
export const FORM8949_HEADER = 'part,box,description,date_acquired,date_sold,proceeds,cost_basis,code,adjustment,gain_loss';
export const TURBOTAX_HEADER = 'Currency Name,Purchase Date,Cost Basis,Date Sold,Proceeds';
export const INCOME_HEADER = 'date,id,type,quantity,price_usd,income_usd';
export const NOT_TAX_ADVICE =
  'This report is computed by a calculator from your own records. It is not tax advice. Check it, and ask a tax professional if you are unsure.';

export interface ReportMeta {
  /** "data as of": the input file (name, digest) or the ledger's last synced event. */
  data_as_of: string;
  /** ISO timestamp the report was made. */
  generated_at: string;
}

export function settingsSummary(s: TaxSettings): string {
  const orders = s.method_orders.length === 0
    ? 'fifo (default)'
    : s.method_orders.map((o) => `${o.method} from ${o.effective_from}`).join(', ');
  const boxShort = s.box_short ?? (s.digital_asset ? 'I' : 'C');
  const boxLong = s.box_long ?? (s.digital_asset ? 'L' : 'F');
  return [
    `year=${s.year ?? '-'}`, `method=${orders}`, `filing_status=${s.filing_status}`, `wash_sale=${s.wash_sale ? 'on' : 'off'}`,
    `mint_basis=${s.mint_basis}`, `digital_asset=${s.digital_asset ? 'yes' : 'no'}`, `boxes=${boxShort}/${boxLong}`, `tz=${s.tz}`,
    `prior_year=${s.prior_year ? 'given' : 'none'}`, `asset=${s.asset_symbol}`,
  ].join('; ');
}

/** YYYY-MM-DD -> MM/DD/YYYY (memoized: a report has few distinct dates and many rows). */
const MDY_CACHE = new Map<string, string>();
const MDY_CACHE_MAX = 100_000;
function mdy(iso: string): string {
  let out = MDY_CACHE.get(iso);
  if (out === undefined) {
    out = `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
    if (MDY_CACHE.size >= MDY_CACHE_MAX) MDY_CACHE.clear();
    MDY_CACHE.set(iso, out);
  }
  return out;
}

/**
 * Builds a large text without keeping one string per line alive until a final join: each line is
 * encoded straight into a 1 MB Buffer (Buffers live outside the JS heap, so the garbage collector
 * does not copy them around); full Buffers are kept and joined at the end.
 */
export class TextSink {
  /** Lines are joined into a small string first: one write per ~64 KB instead of per line. */
  private static readonly PENDING_CHARS = 64 * 1024;
  /** Where the text goes; the row writers write bytes into it directly (after flush()). */
  readonly bytes: ByteSink;
  private pending = '';
  /** `exactBytes`: the whole text's size in bytes, known in advance (see ByteSink). */
  constructor(encoding: 'utf8' | 'latin1' = 'utf8', exactBytes?: number) {
    this.bytes = new ByteSink(encoding, exactBytes);
  }
  line(text: string, eol = '\n'): void {
    this.pending += eol ? text + eol : text;
    if (this.pending.length >= TextSink.PENDING_CHARS) this.flush();
  }
  flush(): void {
    if (this.pending === '') return;
    this.bytes.text(this.pending);
    this.pending = '';
  }
  buffer(): Buffer {
    this.flush();
    return this.bytes.buffer();
  }
  text(): string {
    return this.buffer().toString('utf8');
  }
}

/** RFC 4180 quoting, only where needed (amounts and dates never need it). */
function safe(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** What the TurboTax CSV cannot say in its own columns (kept in the manifest and the PDF). */
export const TURBOTAX_WASH_NOTE = 'TurboTax CSV wash-sale rows: cost basis is net of the disallowed loss (no adjustment column in this format).';

/** What the income CSV covers under the year's mint basis policy, with its total. */
export function incomeNote(r: TaxYearResult): string {
  const covers = r.settings.mint_basis === 'fmv'
    ? 'mints at market value (mint basis policy fmv) and income rows'
    : `income rows only (mint basis policy ${r.settings.mint_basis} reports no income at mint)`;
  return `Income CSV: ordinary income from ${covers}; total ${r.totals.ordinary_income}.`;
}

const BOX_ORDER = 'ABCGHIDEFJKL';

/** Row indices in form order: Part I then Part II, box by box, then in time order (a stable bucket sort). */
function formOrder(count: number, groupOf: (i: number) => number): Int32Array {
  const counts = new Int32Array(BOX_ORDER.length + 1);
  for (let i = 0; i < count; i++) counts[groupOf(i) + 1]!++;
  for (let g = 1; g < counts.length; g++) counts[g]! += counts[g - 1]!;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[counts[groupOf(i)]!++] = i;
  return out;
}

/** The table's rows in form order, computed once per table (the row files and the PDF both walk it). */
const FORM_ORDERS = new WeakMap<RowTable, Int32Array>();
export function tableFormOrder(table: RowTable): Int32Array {
  let order = FORM_ORDERS.get(table);
  if (!order || order.length !== table.count) {
    const short = BOX_ORDER.indexOf(table.boxShort), long = BOX_ORDER.indexOf(table.boxLong);
    // Short boxes all precede long ones (the settings allow no other pairing): one pass, no sort.
    order = short < long ? table.shortThenLong() : formOrder(table.count, (i) => (table.isLong(i) ? long : short));
    FORM_ORDERS.set(table, order);
  }
  return order;
}

/** Calls `f` for each 8949 row in form order, building one row object at a time. */
export function forEachRowInFormOrder(r: TaxYearResult, f: (row: Form8949Row) => void, limit = Infinity): void {
  const table = rowTableOf(r);
  if (table) {
    const order = tableFormOrder(table);
    for (let k = 0; k < order.length && k < limit; k++) f(table.get(order[k] as number));
    return;
  }
  const rows = r.rows;
  const order = formOrder(rows.length, (i) => BOX_ORDER.indexOf((rows[i] as Form8949Row).box));
  for (let k = 0; k < order.length && k < limit; k++) f(rows[order[k] as number] as Form8949Row);
}

/** Rows in form order (all in memory; for small results and tests). */
export function rowsInFormOrder(r: TaxYearResult): Form8949Row[] {
  const out: Form8949Row[] = [];
  forEachRowInFormOrder(r, (row) => out.push(row));
  return out;
}

export function form8949Csv(r: TaxYearResult, meta: ReportMeta): string {
  return form8949CsvBuffer(r, meta).toString('utf8');
}

export function form8949CsvBuffer(r: TaxYearResult, meta: ReportMeta): Buffer {
  return rowFiles(r, meta).form8949;
}

/**
 * The three per-row files in one pass over the rows (each row is built once):
 * Form 8949 CSV, TXF and TurboTax CSV.
 */
export function rowFiles(r: TaxYearResult, meta: ReportMeta): { form8949: Buffer; txf: Buffer; turbotax: Buffer } {
  const heads = rowFileHeads(r, meta);
  const symbol = r.settings.asset_symbol;
  const table = rowTableOf(r);
  if (table) {
    // Hot path: straight from the row table into bytes (row-writer.ts), no row objects or strings.
    // The files' sizes are known first (rowBytes): each is written into one Buffer.
    const order = tableFormOrder(table);
    const sizes = rowBytes(table, order, 0, order.length, symbol);
    const f8949 = new TextSink('utf8', Buffer.byteLength(heads.f, 'utf8') + sizes.f);
    const tx = new TextSink('latin1', Buffer.byteLength(heads.tx, 'latin1') + sizes.tx);
    const tt = new TextSink('utf8', Buffer.byteLength(heads.tt, 'utf8') + sizes.tt);
    f8949.line(heads.f, '');
    tx.line(heads.tx, '');
    tt.line(heads.tt, '');
    f8949.flush();
    tx.flush();
    tt.flush();
    const bad = writeRows(table, order, 0, order.length, symbol, f8949.bytes, tx.bytes, tt.bytes);
    if (bad >= 0) throw turbotaxNegative(table.get(bad).disposal_id);
    return { form8949: f8949.buffer(), txf: tx.buffer(), turbotax: tt.buffer() };
  }
  const f8949 = new TextSink('utf8'), tx = new TextSink('latin1'), tt = new TextSink('utf8');
  f8949.line(heads.f, '');
  tx.line(heads.tx, '');
  tt.line(heads.tt, '');
  forEachRowInFormOrder(r, (row) => {
    const p: PrintableRow = {
      part: row.part, box: row.box, long: row.term === 'long', description: row.description, acquired: mdy(row.date_acquired), sold: mdy(row.date_sold),
      proceeds: row.proceeds, cost: row.cost_basis, wash: row.code === 'W', adjustment: row.adjustment, gain: row.gain_loss,
      costNetOfWash: row.code === 'W' ? subtractCents(row.cost_basis, row.adjustment) : '',
    };
    f8949.line(`${p.part},${p.box},${safe(p.description)},${p.acquired},${p.sold},${p.proceeds},${p.cost},${p.wash ? 'W' : ''},${p.adjustment},${p.gain}`);
    const refnum = p.wash ? TXF_WASH_REFNUM[p.long ? 'long' : 'short'] : TXF_REFNUM[p.box];
    const head = `TD\r\nN${refnum}\r\nC1\r\nL1\r\nP${txfAscii(p.description)}\r\nD${p.acquired}\r\nD${p.sold}\r\n$${p.cost}\r\n$${p.proceeds}`;
    tx.line(p.wash ? `${head}\r\n$${p.adjustment}\r\n^` : `${head}\r\n^`, '\r\n');
    const cost = p.wash ? p.costNetOfWash : p.cost;
    if (cost.startsWith('-') || p.proceeds.startsWith('-')) throw turbotaxNegative(row.disposal_id);
    tt.line(`${symbol},${p.acquired},${cost},${p.sold},${p.proceeds}`);
  });
  return { form8949: f8949.buffer(), txf: tx.buffer(), turbotax: tt.buffer() };
}

export function turbotaxNegative(disposalId: string): Error {
  return new Error(`TurboTax CSV: negative amount in row for ${disposalId}`);
}

/** TXF is ASCII: anything else (e.g. from a file name) becomes '?'. */
function txfAscii(t: string): string {
  return t.replace(/[^\x20-\x7e]/g, '?');
}

/** The header text of each per-row file. */
export function rowFileHeads(r: TaxYearResult, meta: ReportMeta): { f: string; tx: string; tt: string } {
  const generated = mdy(meta.generated_at.slice(0, 10));
  const tx = ['V042', `A${PROGRAM_NAME} (data as of ${meta.data_as_of.replace(/[\r\n]+/g, ' ')}; ${settingsSummary(r.settings)})`, `D ${generated}`, '^']
    .map((l) => `${txfAscii(l)}\r\n`).join('');
  return { f: `${FORM8949_HEADER}\n`, tx, tt: `${TURBOTAX_HEADER}\n` };
}

export function scheduleDJson(r: TaxYearResult, meta: ReportMeta): string {
  return JSON.stringify({
    tax_year: r.year,
    ...r.schedule_d,
    totals: r.totals,
    /** Disposals that did not take the lots chosen for them (a chosen lot gone at the fill, or none named under specific ID), and what was used. */
    lot_warnings: r.warnings,
    data_as_of: meta.data_as_of,
    settings: r.settings,
    settings_summary: settingsSummary(r.settings),
    generated_at: meta.generated_at,
    generated_by: PROGRAM_NAME,
    note: NOT_TAX_ADVICE,
  }, null, 2) + '\n';
}

/** TXF v042: one field per line, records end with '^'; cost before proceeds; wash amount as the sixth field. */
export function txf(r: TaxYearResult, meta: ReportMeta): string {
  return txfBuffer(r, meta).toString('latin1');
}

export function txfBuffer(r: TaxYearResult, meta: ReportMeta): Buffer {
  return rowFiles(r, meta).txf;
}

/** TXF has no refnums for the 2025 boxes G-L; the export uses the C / F refnums. */
export function txfNote(r: TaxYearResult): string | null {
  const t = rowTableOf(r);
  const any = t ? t.count > 0 && ('GHIJKL'.includes(t.boxShort) || 'GHIJKL'.includes(t.boxLong)) : r.rows.some((x) => 'GHIJKL'.includes(x.box));
  return any ? 'TXF has no refnums for boxes G-L: rows in those boxes use the box C / F refnums (712 / 714).' : null;
}

/**
 * TurboTax crypto CSV: no negative numbers and no adjustment column, so a wash-sale row's
 * cost basis is written net of the disallowed loss (cost − adjustment, never below the
 * proceeds), which gives the same gain as the 8949 row.
 */
export function turbotaxCsv(r: TaxYearResult, meta: ReportMeta): string {
  return turbotaxCsvBuffer(r, meta).toString('utf8');
}

export function turbotaxCsvBuffer(r: TaxYearResult, meta: ReportMeta): Buffer {
  return rowFiles(r, meta).turbotax;
}

function subtractCents(a: string, b: string): string {
  const toC = (s: string): bigint => BigInt(s.replace('.', ''));
  const d = toC(a) - toC(b);
  const neg = d < 0n;
  const abs = neg ? -d : d;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export function incomeCsv(r: TaxYearResult): string {
  const out: string[] = [INCOME_HEADER];
  for (const x of r.income) out.push([mdy(x.date), safe(x.id), x.type, x.quantity, x.price_usd, x.amount_usd].join(','));
  return out.join('\n') + '\n';
}
