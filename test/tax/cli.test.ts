import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { syntheticYear, toCsv } from '../../bench/tax-gen.js';
import { run } from '../../electron/cli/commands/report.js';
import { computeTaxYear, form8949Csv, incomeCsv, parseTransactionsCsv } from '../../electron/services/tax/index.js';
import { openLedger } from '../../electron/services/ledger/index.js';
import { dataPaths } from '../../electron/services/paths.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const CSV = path.join(fixtures, 'transactions-2025.csv');
const PRIOR = path.join(fixtures, 'prior-2024.json');
const SIX = ['form8949-2025.csv', 'gains-2025.txf', 'gains-report-2025.pdf', 'income-2025.csv', 'manifest.json', 'schedule-d-2025.json', 'turbotax-2025.csv'];

let dir: string;
let stderr: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tax-cli-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run wallet -- report', () => {
  it('writes all six files for the sample year in test/fixtures', async () => {
    const out = path.join(dir, 'out');
    const code = await run(['--year', '2025', '--out', out, '--in', CSV, '--prior-year', PRIOR]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(SIX);
    const d = JSON.parse(await readFile(path.join(out, 'schedule-d-2025.json'), 'utf8')) as Record<string, unknown>;
    // Prior year: line 7 -5,200, line 15 800, line 21 -3,000, income 45,000 -> 1,400 short-term carryover in.
    expect(d.line6).toBe('-1400.00');
    expect(d.data_as_of).toMatch(/transactions-2025\.csv/);
    const f8949 = await readFile(path.join(out, 'form8949-2025.csv'), 'utf8');
    expect(f8949.split('\n')[0]).toBe('part,box,description,date_acquired,date_sold,proceeds,cost_basis,code,adjustment,gain_loss');
    expect(f8949).not.toMatch(/^#/m);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { data_as_of: string; files: { name: string }[] };
    expect(manifest.data_as_of).toMatch(/^input file transactions-2025\.csv/);
    expect(manifest.files).toHaveLength(6);
    // Jan 31 2024 (last day of the month) sold Jan 31 2025: still short-term.
    expect(f8949).toContain('I,C,150 CMPT,01/31/2024,01/31/2025');
    const pdf = await readFile(path.join(out, 'gains-report-2025.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('reads a large file on two threads from its bytes: the same 8949 as one thread, ids in any script, the digest of the file as stored', async () => {
    // 250,000 rows (read on two threads from 200,000 lines), a byte-order mark, CRLF, and ids of 2-, 3- and 4-byte characters.
    const lines = toCsv(syntheticYear(250_000)).split('\n').map((l, i) => (i > 0 && i % 5 === 0 ? l.replace(/^t/, 'é€😀t') : l));
    const text = '\ufeff' + lines.join('\r\n');
    const file = path.join(dir, 'big.csv');
    await writeFile(file, text, 'utf8');
    const out = path.join(dir, 'big');
    const code = await run(['--year', '2025', '--out', out, '--in', file, '--wash-sale']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // The reference: one thread, from the text, in the same process after the two-thread read
    // (which once made this parse ~100x slower: see quoteFrom in csv.ts).
    const one = computeTaxYear(parseTransactionsCsv(text), { year: 2025, wash_sale: true });
    const got = await readFile(path.join(out, 'form8949-2025.csv'), 'utf8');
    expect(got).toBe(form8949Csv(one, { data_as_of: 'x', generated_at: '2026-01-01T00:00:00Z' }));
    // Ids are printed in the income file: the non-ASCII ones came through both threads' decoding intact.
    const income = await readFile(path.join(out, 'income-2025.csv'), 'utf8');
    expect(income).toBe(incomeCsv(one));
    expect(income).toContain('é€😀');
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { data_as_of: string };
    const digest = createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 16);
    expect(manifest.data_as_of).toContain(`input file big.csv (sha256 ${digest})`);
  }, 120_000);

  it('accepts every option', async () => {
    const out = path.join(dir, 'o2');
    const code = await run([
      '--year', '2025', '--out', out, '--in', CSV, '--method', 'hifo', '--filing-status', 'mfs', '--wash-sale', '--mint-basis', 'fmv',
      '--digital-asset', '--tz', 'America/New_York',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const f8949 = await readFile(path.join(out, 'form8949-2025.csv'), 'utf8');
    expect(f8949).toMatch(/^I,I,/m);
    const manifest = await readFile(path.join(out, 'manifest.json'), 'utf8');
    expect(manifest).toMatch(/method=hifo from/);
    const income = await readFile(path.join(out, 'income-2025.csv'), 'utf8');
    expect(income).toMatch(/,mint,/);
  });

  const badRows: [string, string, RegExp][] = [
    ['an unreadable quantity', 'id,time,type,quantity,price\nb,2025-01-01T00:00:00Z,buy,abc,1\n', /row 2 \(id "b"\), column quantity/],
    ['a bad timestamp', 'id,time,type,quantity,price\nb,2025-01-01,buy,1,1\n', /row 2 \(id "b"\), column time/],
    ['a sale of more than is held', 'id,time,type,quantity,price\nb,2025-01-01T00:00:00Z,buy,1,1\ns,2025-02-01T00:00:00Z,sell,2,1\n', /row 3 \(id "s"\), column quantity: sell of 2 but only 1 held/],
    ['a specific-ID lot that does not exist', 'id,time,type,quantity,price,lots\nb,2025-01-01T00:00:00Z,buy,1,1,\ns,2025-02-01T00:00:00Z,sell,1,1,zz:1\n', /row 3 \(id "s"\), column lots: lot "zz" does not exist/],
    ['a used-up lot', 'id,time,type,quantity,price,lots\nb,2025-01-01T00:00:00Z,buy,1,1,\nc,2025-01-02T00:00:00Z,buy,1,1,\ns,2025-02-01T00:00:00Z,sell,1,1,b:1\nt,2025-02-02T00:00:00Z,sell,1,1,b:1\n', /row 5 \(id "t"\), column lots: lot "b" is already used up/],
    ['a mint without basis', 'id,time,type,quantity,price\nm,2025-01-01T00:00:00Z,mint,1,1\n', /row 2 \(id "m"\), column basis/],
  ];
  it.each(badRows)('%s: names row and column, exits non-zero, writes nothing', async (_name, csv, message) => {
    const input = path.join(dir, 'in.csv');
    await writeFile(input, csv);
    const out = path.join(dir, 'out');
    const code = await run(['--year', '2025', '--out', out, '--in', input]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
    await expect(readdir(out)).rejects.toThrow(); // not even the directory
  });

  it('without --in and without a ledger in the data folder: a clear message, exit code 2, nothing written', async () => {
    const code = await run(['--year', '2025', '--out', path.join(dir, 'x'), '--data-dir', path.join(dir, 'no-data')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no --in file given and no wallet ledger at/);
    await expect(readdir(path.join(dir, 'x'))).rejects.toThrow();
  });

  it('without --in reads the local ledger (an empty one gives a report with no rows)', async () => {
    const dataDir = path.join(dir, 'data');
    await mkdir(dataDir);
    openLedger({ path: dataPaths(dataDir).ledger_db }).close();
    const out = path.join(dir, 'from-ledger');
    const code = await run(['--year', '2025', '--out', out, '--data-dir', dataDir]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(SIX);
    const d = JSON.parse(await readFile(path.join(out, 'schedule-d-2025.json'), 'utf8')) as Record<string, unknown>;
    expect(d.data_as_of).toMatch(/wallet ledger/);
    expect(d.line16).toBe('0.00');
  });

  it('rejects unknown options and bad values with exit code 2', async () => {
    expect(await run(['--year', '2025', '--out', dir, '--in', CSV, '--method', 'average'])).toBe(2);
    expect(await run(['--year', '2025', '--out', dir, '--bogus'])).toBe(2);
    expect(await run(['--out', dir, '--in', CSV])).toBe(2);
  });

  it('rejects a malformed prior-year file and writes nothing', async () => {
    const prior = path.join(dir, 'prior.json');
    await writeFile(prior, JSON.stringify({ taxable_income: 1000, line7: '-1', line15: '0', line21: '-1' }));
    const out = path.join(dir, 'out');
    expect(await run(['--year', '2025', '--out', out, '--in', CSV, '--prior-year', prior])).toBe(1);
    expect(stderr).toMatch(/prior-year taxable_income/);
    await expect(readdir(out)).rejects.toThrow();
  });
});
