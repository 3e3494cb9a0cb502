import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  computeTaxYear, computeTaxYearFromCsv, form8949Csv, FORM8949_HEADER, incomeCsv, scheduleDJson, turbotaxCsv, TURBOTAX_HEADER, txf, parseTransactionsCsv,
  TaxInputError, gainsReportPdf, buildReportFiles, MANIFEST_NAME, NOT_TAX_ADVICE, type ReportManifest,
} from '../../electron/services/tax/index.js';

/**
 * csv-parse with its strict defaults: no `comment` option (a '#' line is a one-field record,
 * refused as the wrong column count), no relaxed quotes or column counts, no skipped blank lines.
 */
function strictParse(text: string): Record<string, string>[] {
  return parse(text, { columns: true });
}
import { tx } from './helpers.js';
import { syntheticYear, toCsv } from '../../bench/tax-gen.js';
import { ByteSink, centsLen, intLen, mdyLen, qtyLen } from '../../electron/services/tax/bytes.js';
import { dayFromCivil, formatMDY } from '../../electron/services/tax/dates.js';
import { formatCentsN, formatQtyN } from '../../electron/services/tax/fixed.js';
import { rowFiles } from '../../electron/services/tax/writers.js';

const meta = { data_as_of: 'test input', generated_at: '2026-02-01T09:00:00.000Z' };

function sample(extra: Parameters<typeof computeTaxYear>[1] = { year: 2025 }): ReturnType<typeof computeTaxYear> {
  return computeTaxYear([
    tx('buy', '2024-01-10', '10', '10', { id: 'old' }),
    tx('buy', '2025-01-10', '100', '10', { id: 'b' }),
    tx('sell', '2025-03-01', '100', '7.5', { id: 's', lots: [{ id: 'b', quantity: '100' }] }),
    tx('buy', '2025-03-20', '100', '8', { id: 'n' }),
    tx('sell', '2025-06-01', '10', '12', { id: 'lt', lots: [{ id: 'old', quantity: '10' }] }),
    tx('income', '2025-07-01', '2', '3', { id: 'inc' }),
  ], extra);
}

describe('Form 8949 CSV', () => {
  it('has the header, MM/DD/YYYY dates, two-decimal amounts, Part I before Part II, gain = d - e + g', () => {
    const text = form8949Csv(sample({ year: 2025, wash_sale: true }), meta);
    const lines = text.split('\n');
    expect(lines[0]).toBe(FORM8949_HEADER);
    const rows = strictParse(text);
    expect(rows).toEqual([
      { part: 'I', box: 'C', description: '100 CMPT', date_acquired: '01/10/2025', date_sold: '03/01/2025', proceeds: '750.00', cost_basis: '1000.00', code: 'W', adjustment: '250.00', gain_loss: '0.00' },
      { part: 'II', box: 'F', description: '10 CMPT', date_acquired: '01/10/2024', date_sold: '06/01/2025', proceeds: '120.00', cost_basis: '100.00', code: '', adjustment: '0.00', gain_loss: '20.00' },
    ]);
    // A plain table: the provenance lives in manifest.json and the PDF.
    expect(text).not.toMatch(/^#/m);
    expect(text).not.toMatch(/test input/);
  });

  it('writes losses as negative amounts', () => {
    const text = form8949Csv(sample(), meta);
    expect(text.split('\n')[1]).toBe('I,C,100 CMPT,01/10/2025,03/01/2025,750.00,1000.00,,0.00,-250.00');
  });
});

describe('TXF v042', () => {
  it('writes the header and one detail record per row, cost before proceeds, refnums by box', () => {
    const text = txf(sample(), meta);
    const lines = text.split('\r\n');
    expect(lines.slice(0, 4)).toEqual(['V042', expect.stringMatching(/^ACompute Wallet \(data as of test input; .*\)$/), 'D 02/01/2026', '^']);
    expect(lines.slice(4, 14)).toEqual(['TD', 'N712', 'C1', 'L1', 'P100 CMPT', 'D01/10/2025', 'D03/01/2025', '$1000.00', '$750.00', '^']);
    expect(lines.slice(14, 24)).toEqual(['TD', 'N714', 'C1', 'L1', 'P10 CMPT', 'D01/10/2024', 'D06/01/2025', '$100.00', '$120.00', '^']);
    expect(text.endsWith('^\r\n')).toBe(true);
    expect(/^[\x20-\x7e\r\n]*$/.test(text)).toBe(true);
  });

  it('a wash-sale row uses the wash refnum and the disallowed amount as the sixth field', () => {
    const lines = txf(sample({ year: 2025, wash_sale: true }), meta).split('\r\n');
    expect(lines.slice(4, 15)).toEqual(['TD', 'N682', 'C1', 'L1', 'P100 CMPT', 'D01/10/2025', 'D03/01/2025', '$1000.00', '$750.00', '$250.00', '^']);
  });

  it('boxes A / D use refnums 321 / 323; digital-asset boxes I / L fall back to C / F refnums', () => {
    const ad = txf(sample({ year: 2025, box_short: 'A', box_long: 'D' }), meta);
    expect(ad).toContain('N321');
    expect(ad).toContain('N323');
    const il = txf(sample({ year: 2025, digital_asset: true }), meta);
    expect(il).toContain('N712');
    expect(il).toContain('N714');
  });
});

describe('TurboTax crypto CSV', () => {
  it('has the exact header and no negative numbers; wash rows carry the cost net of the disallowed loss', () => {
    const text = turbotaxCsv(sample({ year: 2025, wash_sale: true }), meta);
    const lines = text.split('\n');
    expect(lines[0]).toBe(TURBOTAX_HEADER);
    expect(lines[1]).toBe('CMPT,01/10/2025,750.00,03/01/2025,750.00');
    expect(lines[2]).toBe('CMPT,01/10/2024,100.00,06/01/2025,120.00');
    const rows = strictParse(text);
    expect(rows).toHaveLength(2);
    for (const row of rows) for (const v of Object.values(row)) expect(v).not.toMatch(/-/);
    expect(text).not.toMatch(/^#/m);
  });
});

describe('income CSV and Schedule D JSON', () => {
  it('lists income rows and mints under fmv', () => {
    const text = incomeCsv(sample());
    expect(text.split('\n').slice(0, 2)).toEqual(['date,id,type,quantity,price_usd,income_usd', '07/01/2025,inc,income,2,3,6.00']);
    expect(strictParse(text)).toHaveLength(1);
  });
  it('has the lines, the worksheet and the provenance as decimal strings', () => {
    const json = JSON.parse(scheduleDJson(sample(), meta)) as Record<string, unknown>;
    for (const k of ['line1b', 'line2', 'line3', 'line8b', 'line9', 'line10']) expect(json[k]).toEqual(expect.objectContaining({ proceeds: expect.any(String), gain: expect.any(String) }));
    for (const k of ['line6', 'line7', 'line14', 'line15', 'line16', 'line21', 'carryover_short_term', 'carryover_long_term']) expect(json[k]).toMatch(/^-?\d+\.\d\d$/);
    expect(json).toMatchObject({ line3: { gain: '-250.00' }, line10: { gain: '20.00' }, line16: '-230.00', line21: '-230.00', data_as_of: 'test input', tax_year: 2025 });
    expect(Object.keys((json.worksheet as { lines: object }).lines)).toHaveLength(13);
  });
});

describe('the byte writer of the per-row files', () => {
  // The row table's files are written as bytes into Buffers sized in advance (bytes.ts); a result
  // without a row table takes the string path (rowFiles' emit). Both must give the same bytes.
  it('writes what the string path writes, on a synthetic year with and without wash sales, in every box pair', () => {
    const csv = toCsv(syntheticYear(4000));
    for (const [wash_sale, box_short, box_long] of [[false, 'C', 'F'], [true, 'A', 'D'], [true, 'I', 'L'], [false, 'H', 'K']] as const) {
      const r = computeTaxYearFromCsv(csv, { year: 2025, wash_sale, box_short, box_long, asset_symbol: 'C.M-P_T9' });
      const plain = { ...r }; // no row table behind a copy: the string path
      const bytes = rowFiles(r, meta), strings = rowFiles(plain, meta);
      expect(r.row_count).toBeGreaterThan(1000);
      if (wash_sale) expect(r.rows.some((row) => row.code === 'W')).toBe(true);
      expect(bytes.form8949.equals(strings.form8949)).toBe(true);
      expect(bytes.txf.equals(strings.txf)).toBe(true);
      expect(bytes.turbotax.equals(strings.turbotax)).toBe(true);
    }
  });

  it('counts exactly the bytes it writes for numbers and dates (the files are sized from these)', () => {
    const ints = [0, 9, 10, 99, 100, 999, 1000, 9999, 10000, 99999, 1e5, 1e6 - 1, 1e6, 1e7, 1e8 - 1, 1e8, 1e9 - 1, 1e9, 1e12, 1e15 - 1, 1e15, Number.MAX_SAFE_INTEGER];
    const sink = new ByteSink('latin1');
    const check = (write: () => void, len: number, text: string): void => {
      const before = sink.buffer().length;
      write();
      const out = sink.buffer();
      expect(out.subarray(before).toString('latin1')).toBe(text);
      expect(len, text).toBe(text.length);
    };
    for (const n of ints) check(() => sink.int(n), intLen(n), String(n));
    for (const c of [...ints.filter((n) => n <= 1e15), 1, 5, 105, 1234567].flatMap((n) => [n, -n])) check(() => sink.cents(c), centsLen(c), formatCentsN(c));
    for (const q of [1, 10, 12_345_678, 100_000_000, 150_000_000, 1_000_000_001, 123_450_000_000, 1e15].flatMap((n) => [n, -n])) check(() => sink.qty(q), qtyLen(q), formatQtyN(q));
    // In the flat table's range, below it (year 1899, 0999) and above it (2080, 10000).
    for (const [y, m, d] of [[2025, 1, 2], [1900, 1, 1], [2079, 6, 6], [2079, 6, 7], [1899, 12, 31], [999, 3, 4], [2080, 1, 1], [10000, 1, 1]] as const) {
      const day = dayFromCivil(y, m, d);
      check(() => sink.mdy(day), mdyLen(day), formatMDY(day));
    }
  });

  it('refuses a file whose bytes do not add up to the size it was given', () => {
    const sink = new ByteSink('utf8', 4);
    sink.text('12345');
    expect(() => sink.buffer()).toThrow(/5 bytes written into a file sized 4/);
  });
});

describe('manifest.json', () => {
  it('carries the provenance the CSVs no longer do, and each file\'s size and SHA-256', async () => {
    const r = sample({ year: 2025, wash_sale: true, mint_basis: 'fmv' });
    const files = await buildReportFiles(r, meta);
    expect(files.map((f) => f.name)).toEqual([
      'form8949-2025.csv', 'schedule-d-2025.json', 'gains-2025.txf', 'turbotax-2025.csv', 'income-2025.csv', 'gains-report-2025.pdf', MANIFEST_NAME,
    ]);
    for (const f of files.filter((x) => x.name.endsWith('.csv'))) {
      const text = f.content.toString();
      expect(text, f.name).not.toMatch(/^#/m);
      expect(() => strictParse(text), f.name).not.toThrow();
    }
    const m = JSON.parse(files.at(-1)!.content.toString()) as ReportManifest;
    expect(m).toMatchObject({ tax_year: 2025, data_as_of: 'test input', generated_at: meta.generated_at, generated_by: 'Compute Wallet', note: NOT_TAX_ADVICE });
    expect(m.settings_summary).toMatch(/wash_sale=on/);
    expect(m.files.map((f) => f.name)).toEqual(files.slice(0, -1).map((f) => f.name));
    for (const [i, f] of m.files.entries()) {
      const content = files[i]!.content;
      expect(f.bytes).toBe(Buffer.byteLength(content));
      expect(f.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    }
    expect(m.files.find((f) => f.name === 'turbotax-2025.csv')!.notes.join(' ')).toMatch(/net of the disallowed loss/);
    expect(m.files.find((f) => f.name === 'income-2025.csv')!.notes.join(' ')).toMatch(/mint basis policy fmv\) and income rows; total /);
  });
});

describe('PDF', () => {
  it('renders a PDF document', async () => {
    const pdf = await gainsReportPdf(sample({ year: 2025, mint_basis: 'fmv' }), meta);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(2000);
  });
});

describe('transactions CSV', () => {
  it('reads columns in any order, optional fee / basis / lots, and records the row', () => {
    const txs = parseTransactionsCsv('type,quantity,id,price,time,lots\nbuy,1,a,2,2025-01-01T00:00:00Z,\n\nsell,1,b,3,2025-02-01T00:00:00+02:00,a:1\n');
    expect(txs).toEqual([
      { id: 'a', time: '2025-01-01T00:00:00Z', type: 'buy', quantity: '1', price_usd: '2', fee_usd: '0', row: 2 },
      { id: 'b', time: '2025-02-01T00:00:00+02:00', type: 'sell', quantity: '1', price_usd: '3', fee_usd: '0', row: 4, lots: [{ id: 'a', quantity: '1' }] },
    ]);
  });
  const bad: [string, string, number, string][] = [
    ['unknown column', 'id,time,type,quantity,price,fees\n', 1, 'fees'],
    ['missing column', 'id,time,type,quantity\n', 1, 'price'],
    ['bad lots syntax', 'id,time,type,quantity,price,lots\nx,2025-01-01T00:00:00Z,sell,1,1,a-1\n', 2, 'lots'],
  ];
  it.each(bad)('%s: row %i, column %s', (_n, text, row, column) => {
    try {
      parseTransactionsCsv(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TaxInputError);
      expect([(err as TaxInputError).row, (err as TaxInputError).column]).toEqual([row, column]);
    }
  });
  it('reports a row with the wrong number of fields', () => {
    expect(() => parseTransactionsCsv('id,time,type,quantity,price\na,2025-01-01T00:00:00Z,buy,1\n')).toThrow(/row 2/);
  });
});

describe('the CSV reader agrees with csv-parse', () => {
  it('on random RFC 4180 text (quotes, doubled quotes, commas and newlines in quotes, CRLF, blank lines)', async () => {
    const fc = (await import('fast-check')).default;
    const { readCsv } = await import('../../electron/services/tax/index.js');
    const cell = fc.oneof(
      fc.stringMatching(/^[a-z0-9.:;-]{0,6}$/),
      fc.stringMatching(/^[a-z ,"\n]{0,6}$/).map((s) => `"${s.replace(/"/g, '""')}"`),
    );
    const record = fc.array(cell, { minLength: 3, maxLength: 3 }).map((cells) => cells.join(','));
    const textArb = fc.tuple(fc.array(record, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
      .map(([recs, eol, blank]) => recs.join(eol) + (blank ? `${eol}${eol}` : eol));
    fc.assert(fc.property(textArb, (text) => {
      const ours: string[][] = [];
      readCsv(text, (r) => ours.push(r.fields));
      const theirs = (parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][]);
      expect(ours).toEqual(theirs);
    }), { numRuns: 300 });
  });
});
