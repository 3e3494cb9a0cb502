// Text outputs: Form 8949 CSV, Schedule D JSON, TXF v042, TurboTax crypto CSV, income CSV.
// Every file says which data it was computed from ("data as of") and the settings used:
// JSON in fields, CSVs in trailing lines starting with '#' (after the data, so the header
// stays the first line), TXF in the header's program line.
import { formatMDY, parseISODate } from './dates.js';
import type { Form8949Row, TaxSettings, TaxYearResult } from './types.js';

export const PROGRAM_NAME = 'Compute Wallet';
export const FORM8949_HEADER = 'part,box,description,date_acquired,date_sold,proceeds,cost_basis,code,adjustment,gain_loss';
export const TURBOTAX_HEADER = 'Currency Name,Purchase Date,Cost Basis,Date Sold,Proceeds';
export const INCOME_HEADER = 'date,id,type,quantity,price_usd,income_usd';
export const NOT_TAX_ADVICE =
  'This report is computed by a calculator from your own records. It is not tax advice. Check it, and ask a tax professional if you are unsure.';

/** TXF refnums (Intuit TXF v042). */
export const TXF_REFNUM: Record<string, number> = { A: 321, B: 711, C: 712, D: 323, E: 713, F: 714, G: 712, H: 712, I: 712, J: 714, K: 714, L: 714 };
export const TXF_WASH_REFNUM = { short: 682, long: 718 } as const;

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

function mdy(iso: string): string {
  return formatMDY(parseISODate(iso));
}

/** RFC 4180 quoting, only where needed (amounts and dates never need it). */
function safe(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

function commentLines(r: TaxYearResult, meta: ReportMeta, extra: string[] = []): string {
  const lines = [
    `# data as of: ${meta.data_as_of}`,
    `# settings: ${settingsSummary(r.settings)}`,
    `# generated: ${meta.generated_at} by ${PROGRAM_NAME}`,
    ...extra.map((e) => `# ${e}`),
    `# ${NOT_TAX_ADVICE}`,
  ];
  return lines.map((l) => l.replace(/[\r\n]+/g, ' ')).join('\n') + '\n';
}

/** Rows in form order: Part I then Part II, box by box, then in time order (stable). */
export function rowsInFormOrder(rows: readonly Form8949Row[]): Form8949Row[] {
  const key = (r: Form8949Row): string => `${r.part === 'I' ? 0 : 1}${r.box}`;
  return rows.map((r, i) => ({ r, i, k: key(r) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i)).map((x) => x.r);
}

export function form8949Csv(r: TaxYearResult, meta: ReportMeta): string {
  const out: string[] = [FORM8949_HEADER];
  for (const row of rowsInFormOrder(r.rows)) {
    out.push([
      row.part, row.box, safe(row.description), mdy(row.date_acquired), mdy(row.date_sold), row.proceeds, row.cost_basis, row.code,
      row.adjustment, row.gain_loss,
    ].join(','));
  }
  return out.join('\n') + '\n' + commentLines(r, meta);
}

export function scheduleDJson(r: TaxYearResult, meta: ReportMeta): string {
  return JSON.stringify({
    tax_year: r.year,
    ...r.schedule_d,
    totals: r.totals,
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
  const generated = mdy(meta.generated_at.slice(0, 10));
  const lines: string[] = ['V042', `A${PROGRAM_NAME} (data as of ${meta.data_as_of.replace(/[\r\n]+/g, ' ')}; ${settingsSummary(r.settings)})`, `D ${generated}`, '^'];
  for (const row of rowsInFormOrder(r.rows)) {
    const wash = row.code === 'W';
    const refnum = wash ? TXF_WASH_REFNUM[row.term] : TXF_REFNUM[row.box];
    lines.push('TD', `N${refnum}`, 'C1', 'L1', `P${row.description}`, `D${mdy(row.date_acquired)}`, `D${mdy(row.date_sold)}`, `$${row.cost_basis}`, `$${row.proceeds}`);
    if (wash) lines.push(`$${row.adjustment}`);
    lines.push('^');
  }
  // TXF is ASCII: anything else (e.g. from a file name) becomes '?'.
  return lines.join('\r\n').replace(/[^\x20-\x7e\r\n]/g, '?') + '\r\n';
}

/** TXF has no refnums for the 2025 boxes G-L; the export uses the C / F refnums. */
export function txfNote(r: TaxYearResult): string | null {
  return r.rows.some((x) => 'GHIJKL'.includes(x.box)) ? 'TXF has no refnums for boxes G-L: rows in those boxes use the box C / F refnums (712 / 714).' : null;
}

/**
 * TurboTax crypto CSV: no negative numbers and no adjustment column, so a wash-sale row's
 * cost basis is written net of the disallowed loss (cost − adjustment, never below the
 * proceeds), which gives the same gain as the 8949 row.
 */
export function turbotaxCsv(r: TaxYearResult, meta: ReportMeta): string {
  const out: string[] = [TURBOTAX_HEADER];
  for (const row of rowsInFormOrder(r.rows)) {
    const cost = row.code === 'W' ? subtractCents(row.cost_basis, row.adjustment) : row.cost_basis;
    if (cost.startsWith('-') || row.proceeds.startsWith('-')) throw new Error(`TurboTax CSV: negative amount in row for ${row.disposal_id}`);
    out.push([r.settings.asset_symbol, mdy(row.date_acquired), cost, mdy(row.date_sold), row.proceeds].join(','));
  }
  return out.join('\n') + '\n' + commentLines(r, meta, ['wash-sale rows: cost basis is net of the disallowed loss (no adjustment column in this format)']);
}

function subtractCents(a: string, b: string): string {
  const toC = (s: string): bigint => BigInt(s.replace('.', ''));
  const d = toC(a) - toC(b);
  const neg = d < 0n;
  const abs = neg ? -d : d;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export function incomeCsv(r: TaxYearResult, meta: ReportMeta): string {
  const out: string[] = [INCOME_HEADER];
  for (const x of r.income) out.push([mdy(x.date), safe(x.id), x.type, x.quantity, x.price_usd, x.amount_usd].join(','));
  const note = r.settings.mint_basis === 'fmv'
    ? 'ordinary income: mints at market value (mint basis policy fmv) and income rows'
    : `ordinary income: income rows only (mint basis policy ${r.settings.mint_basis} reports no income at mint)`;
  return out.join('\n') + '\n' + commentLines(r, meta, [note, `total: ${r.totals.ordinary_income}`]);
}
