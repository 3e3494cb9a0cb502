// The printable gains report (pdfkit): summary, Schedule D figures, carryover, the basis
// policy for minted tokens in plain words, settings, "data as of", and the 8949 rows by part and box.
import PDFDocument from 'pdfkit';
import { formatMDY, parseISODate } from './dates.js';
import { formatCents, parseCents } from './fixed.js';
import type { Form8949Row, MintBasisPolicy, TaxYearResult } from './types.js';
import { forEachRowInFormOrder, incomeNote, NOT_TAX_ADVICE, PROGRAM_NAME, settingsSummary, TURBOTAX_WASH_NOTE, txfNote, type ReportMeta } from './writers.js';

/** Beyond this many 8949 rows the PDF lists the first ones and points to the CSV (which has all). */
export const PDF_ROWS_MAX = 2_000;

const PAGE = { size: 'LETTER' as const, margin: 48 };
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

export const MINT_POLICY_TEXT: Record<MintBasisPolicy, string> = {
  allocated:
    'Minted tokens (policy "allocated"): a mint is treated as a partial refund, in tokens, of the subscription you already paid for. ' +
    'It is not income. Each minted lot\'s cost basis is the part of the subscription price allocated to the unused credits that were minted. ' +
    'When you later sell or redeem those tokens, the gain or loss is measured from that allocated cost.',
  fmv:
    'Minted tokens (policy "fmv"): a mint is treated like a reward. The market value of the tokens on the day they were minted is ordinary income ' +
    '(listed in the income file and in the summary), and that same value becomes their cost basis, so it is not taxed again when you sell.',
  zero:
    'Minted tokens (policy "zero"): a mint is not income and the minted tokens have a cost basis of zero (plus any fee paid). ' +
    'When you sell or redeem them, the whole amount you receive is a capital gain.',
};

const COMMON_POLICY_TEXT =
  'In every policy the holding period of minted tokens starts the day after the mint. There is no published IRS guidance on minted compute tokens; ' +
  'the policy is your choice and a tax professional can tell you which fits your situation.';

const BOX_TEXT: Record<string, string> = {
  A: 'Box A: short-term, reported on Form 1099-B with basis reported to the IRS',
  B: 'Box B: short-term, reported on Form 1099-B, basis not reported',
  C: 'Box C: short-term, not reported on Form 1099-B',
  G: 'Box G: short-term, reported on Form 1099-DA with basis reported',
  H: 'Box H: short-term, reported on Form 1099-DA, basis not reported',
  I: 'Box I: short-term digital-asset transactions not reported on Form 1099-DA or 1099-B',
  D: 'Box D: long-term, reported on Form 1099-B with basis reported to the IRS',
  E: 'Box E: long-term, reported on Form 1099-B, basis not reported',
  F: 'Box F: long-term, not reported on Form 1099-B',
  J: 'Box J: long-term, reported on Form 1099-DA with basis reported',
  K: 'Box K: long-term, reported on Form 1099-DA, basis not reported',
  L: 'Box L: long-term digital-asset transactions not reported on Form 1099-DA or 1099-B',
};

type Doc = PDFKit.PDFDocument;

function bottom(doc: Doc): number {
  return doc.page.height - PAGE.margin - 14;
}

function ensure(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  ensure(doc, 40);
  doc.moveDown(0.6).font(BOLD).fontSize(12).text(text, PAGE.margin, doc.y).moveDown(0.2).font(FONT).fontSize(9);
}

function para(doc: Doc, text: string): void {
  doc.font(FONT).fontSize(9).text(text, PAGE.margin, doc.y, { width: doc.page.width - 2 * PAGE.margin });
}

interface Col {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

function tableRow(doc: Doc, cols: Col[], cells: string[], bold = false): void {
  ensure(doc, 12);
  const y = doc.y;
  let x = PAGE.margin;
  doc.font(bold ? BOLD : FONT).fontSize(8);
  // No `width` option: pdfkit then skips its line wrapper, which was ~90% of the time per row.
  cols.forEach((c, i) => {
    const text = cells[i] ?? '';
    if (text !== '') {
      const at = c.align === 'right' ? x + c.width - 4 - doc.widthOfString(text) : x;
      doc.text(text, at, y, { lineBreak: false });
    }
    x += c.width;
  });
  doc.x = PAGE.margin;
  doc.y = y + 11;
}

function table(doc: Doc, cols: Col[], rows: string[][]): void {
  tableRow(doc, cols, cols.map((c) => c.title), true);
  for (const r of rows) tableRow(doc, cols, r);
}

function money(s: string): string {
  const neg = s.startsWith('-');
  const [w, f] = (neg ? s.slice(1) : s).split('.');
  const grouped = (w ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}.${f ?? '00'}`;
}

function summary(doc: Doc, r: TaxYearResult): void {
  const d = r.schedule_d;
  heading(doc, 'Summary');
  const cols: Col[] = [{ title: 'Item', width: 330 }, { title: 'USD', width: 120, align: 'right' }];
  table(doc, cols, [
    ['Short-term gain or loss (8949 Part I)', money(r.totals.short_term_gain)],
    ['Long-term gain or loss (8949 Part II)', money(r.totals.long_term_gain)],
    ['Net capital gain or loss (Schedule D line 16)', money(d.line16)],
    ['Capital loss deducted this year (Schedule D line 21)', money(d.line21)],
    ['Short-term loss carryover into next year', money(d.carryover_short_term)],
    ['Long-term loss carryover into next year', money(d.carryover_long_term)],
    ['Ordinary income from tokens (mint at market value, income)', money(r.totals.ordinary_income)],
    ['Wash-sale losses disallowed (code W)', money(r.totals.wash_sale_disallowed)],
    ['Form 8949 rows', String(r.row_count)],
  ]);
}

function scheduleD(doc: Doc, r: TaxYearResult): void {
  const d = r.schedule_d;
  heading(doc, 'Schedule D figures');
  const cols: Col[] = [
    { title: 'Line', width: 190 }, { title: '(d) Proceeds', width: 80, align: 'right' }, { title: '(e) Cost', width: 80, align: 'right' },
    { title: '(g) Adjustment', width: 80, align: 'right' }, { title: '(h) Gain or loss', width: 86, align: 'right' },
  ];
  const line = (name: string, t: { proceeds: string; cost: string; adjustment: string; gain: string }): string[] => [name, money(t.proceeds), money(t.cost), money(t.adjustment), money(t.gain)];
  table(doc, cols, [
    line('1b  Box A / G', d.line1b), line('2   Box B / H', d.line2), line('3   Box C / I', d.line3),
    ['6   Short-term loss carryover', '', '', '', money(d.line6)],
    ['7   Net short-term gain or loss', '', '', '', money(d.line7)],
    line('8b  Box D / J', d.line8b), line('9   Box E / K', d.line9), line('10  Box F / L', d.line10),
    ['14  Long-term loss carryover', '', '', '', money(d.line14)],
    ['15  Net long-term gain or loss', '', '', '', money(d.line15)],
    ['16  Lines 7 + 15', '', '', '', money(d.line16)],
    ['21  Loss allowed this year', '', '', '', money(d.line21)],
  ]);
}

function carryover(doc: Doc, r: TaxYearResult): void {
  const d = r.schedule_d;
  heading(doc, 'Capital loss carryover');
  para(doc, `Into this year (from the prior year's figures): short-term ${money(d.worksheet.short_term_carryover)}, long-term ${money(d.worksheet.long_term_carryover)}. ${d.worksheet.reason.charAt(0).toUpperCase()}${d.worksheet.reason.slice(1)}.`);
  if (d.worksheet.applies) {
    doc.moveDown(0.3);
    const cols: Col[] = [{ title: 'Worksheet line', width: 120 }, { title: 'USD', width: 120, align: 'right' }];
    table(doc, cols, Object.entries(d.worksheet.lines).map(([k, v]) => [k.replace('line', 'Line '), v === null ? '(skipped)' : money(v)]));
  }
  doc.moveDown(0.3);
  para(doc, `Into next year: short-term ${money(d.carryover_short_term)}, long-term ${money(d.carryover_long_term)} (carryovers keep their character and do not expire). Assumption: ${d.carryover_assumption}.`);
}

/** 8949 rows are set in Courier, one text call per row: a fixed-width line aligns the columns and is ~8x faster than a call per cell. */
const MONO = 'Courier';
const MONO_SIZE = 7.5;
const ROW_COLS: { title: string; width: number; right: boolean }[] = [
  { title: '(a) Description', width: 22, right: false }, { title: '(b) Acquired', width: 12, right: false }, { title: '(c) Sold', width: 10, right: false },
  { title: '(d) Proceeds', width: 14, right: true }, { title: '(e) Cost', width: 14, right: true }, { title: '(f)', width: 4, right: false },
  { title: '(g) Adj.', width: 12, right: true }, { title: '(h) Gain/loss', width: 14, right: true },
];

function monoLine(cells: string[]): string {
  return ROW_COLS.map((c, i) => {
    const t = (cells[i] ?? '').slice(0, c.width);
    return c.right ? t.padStart(c.width) : t.padEnd(c.width);
  }).join(' ');
}

function monoRow(doc: Doc, cells: string[], bold = false): void {
  ensure(doc, 11);
  const y = doc.y;
  doc.font(bold ? 'Courier-Bold' : MONO).fontSize(MONO_SIZE).text(monoLine(cells), PAGE.margin, y, { lineBreak: false });
  doc.x = PAGE.margin;
  doc.y = y + 10;
}

function rowsSection(doc: Doc, r: TaxYearResult): void {
  heading(doc, 'Form 8949 rows');
  const total = r.row_count;
  const shown: Form8949Row[] = [];
  forEachRowInFormOrder(r, (row) => shown.push(row), PDF_ROWS_MAX);
  if (total > shown.length) para(doc, `Showing the first ${PDF_ROWS_MAX} of ${total} rows (in form order); the CSV file form8949-${r.year}.csv has all of them, and the totals above include all of them.`);
  if (total === 0) para(doc, 'No sales or redemptions in this year.');
  const titles = ROW_COLS.map((c) => c.title);
  let group = '';
  let sum = { proceeds: 0n, cost: 0n, adjustment: 0n, gain: 0n };
  const flush = (): void => {
    if (group === '') return;
    monoRow(doc, [`Totals, box ${group.slice(-1)}`, '', '', money(formatCents(sum.proceeds)), money(formatCents(sum.cost)), '', money(formatCents(sum.adjustment)), money(formatCents(sum.gain))], true);
  };
  for (const row of shown) {
    const g = `${row.part}${row.box}`;
    if (g !== group) {
      flush();
      sum = { proceeds: 0n, cost: 0n, adjustment: 0n, gain: 0n };
      group = g;
      ensure(doc, 50);
      doc.moveDown(0.4).font(BOLD).fontSize(10).text(`Part ${row.part} (${row.part === 'I' ? 'short-term' : 'long-term'}) - ${BOX_TEXT[row.box] ?? row.box}`, PAGE.margin, doc.y);
      doc.moveDown(0.2);
      monoRow(doc, titles, true);
    }
    monoRow(doc, cells(row));
    sum.proceeds += parseCents(row.proceeds);
    sum.cost += parseCents(row.cost_basis);
    sum.adjustment += parseCents(row.adjustment);
    sum.gain += parseCents(row.gain_loss);
  }
  if (total === shown.length) flush();
}

function cells(row: Form8949Row): string[] {
  return [
    row.description, formatMDY(parseISODate(row.date_acquired)), formatMDY(parseISODate(row.date_sold)), money(row.proceeds), money(row.cost_basis),
    row.code, row.code ? money(row.adjustment) : '', money(row.gain_loss),
  ];
}

/** Renders the report; resolves with the PDF bytes. */
export function gainsReportPdf(r: TaxYearResult, meta: ReportMeta): Promise<Buffer> {
  const doc = new PDFDocument({
    size: PAGE.size, margin: PAGE.margin, bufferPages: true,
    info: { Title: `Capital gains report ${r.year}`, Author: PROGRAM_NAME, CreationDate: new Date(meta.generated_at) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font(BOLD).fontSize(16).text(`Capital gains report - tax year ${r.year}`);
  doc.font(FONT).fontSize(9).moveDown(0.3);
  para(doc, `Data as of: ${meta.data_as_of}`);
  para(doc, `Generated: ${meta.generated_at} by ${PROGRAM_NAME}`);
  para(doc, `Settings: ${settingsSummary(r.settings)}`);
  doc.moveDown(0.4).font(BOLD).fontSize(9).text(NOT_TAX_ADVICE, PAGE.margin, doc.y, { width: doc.page.width - 2 * PAGE.margin });
  summary(doc, r);
  scheduleD(doc, r);
  carryover(doc, r);
  heading(doc, 'How minted tokens are valued');
  para(doc, MINT_POLICY_TEXT[r.settings.mint_basis]);
  doc.moveDown(0.3);
  para(doc, COMMON_POLICY_TEXT);
  heading(doc, 'Notes');
  para(doc, 'Amounts are in US dollars with cents; Schedule D lines are sums of the cent amounts on the rows. Gain or loss = proceeds - cost + adjustment. ' +
    'Column (b) is the start of the holding period (after a wash sale it includes the holding period of the units sold). ' +
    'Long-term means held more than one year by the calendar.');
  const note = txfNote(r);
  if (note) para(doc, note);
  // The CSVs are plain tables: what they cannot say in their columns is said here (and in manifest.json).
  para(doc, TURBOTAX_WASH_NOTE);
  para(doc, incomeNote(r));
  rowsSection(doc, r);
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0; // the footer sits in the margin; without this pdfkit would start a new page
    doc.font(FONT).fontSize(7).text(`Tax year ${r.year} - page ${i + 1} of ${range.count} - not tax advice`, PAGE.margin, doc.page.height - PAGE.margin + 10, { lineBreak: false });
  }
  doc.end();
  return done;
}
