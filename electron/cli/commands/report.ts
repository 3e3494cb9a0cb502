// `npm run wallet -- report --year 2025 --out DIR [--in transactions.csv] [options]`
// Writes the six files of the yearly gains report. On any error: a message naming the row and
// column, exit code != 0, and nothing written (all files are built in memory, then renamed in).
import { unlockLedgerForCommand } from '../../app/ledger-key.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  buildReportFiles, computeTaxYear, computeTaxYearFromCsvBytes, CSV_BYTES_MAX, FILING_STATUSES, LONG_BOXES, METHODS, MINT_BASIS_POLICIES, readFileShared,
  SHORT_BOXES, TaxInputError, zPriorYear, type TaxSettingsInput, type TaxTransaction,
} from '../../services/tax/index.js';
import { LedgerTaxError, transactionsFromLedger } from '../../services/tax/from-ledger.js';
import { LATEST_VERSION } from '../../services/ledger/index.js';
import { asFileError, migratedCopy, openWalletDbReadOnly } from '../../services/db/open.js';
import { dataPaths, defaultDataDir } from '../../services/paths.js';

export const summary = 'yearly gains report: Form 8949 CSV, Schedule D JSON, TXF, TurboTax CSV, income CSV, PDF';

const USAGE = `usage: npm run wallet -- report --year YEAR --out DIR [--in transactions.csv]
  [--method fifo|lifo|hifo|specific] [--filing-status single|mfj|mfs|hoh] [--wash-sale]
  [--mint-basis allocated|fmv|zero] [--digital-asset] [--box-short A|B|C|G|H|I] [--box-long D|E|F|J|K|L]
  [--prior-year prior.json] [--taxable-income USD] [--tz ZONE] [--asset SYMBOL] [--data-dir DIR]
Without --in, the wallet's local ledger is read (in --data-dir, default the app data folder). See docs/TAX.md.
`;

const PRIOR_BYTES_MAX = 64 * 1024;

const zArgs = z.strictObject({
  year: z.string().regex(/^\d{4}$/, 'must be a four-digit year'),
  out: z.string().min(1),
  in: z.string().min(1).optional(),
  method: z.enum(METHODS).optional(),
  'filing-status': z.enum(FILING_STATUSES).optional(),
  'wash-sale': z.boolean().optional(),
  'mint-basis': z.enum(MINT_BASIS_POLICIES).optional(),
  'digital-asset': z.boolean().optional(),
  'box-short': z.enum(SHORT_BOXES).optional(),
  'box-long': z.enum(LONG_BOXES).optional(),
  'prior-year': z.string().min(1).optional(),
  'taxable-income': z.string().optional(),
  tz: z.string().optional(),
  asset: z.string().optional(),
  'data-dir': z.string().min(1).optional(),
  help: z.boolean().optional(),
});

class UsageError extends Error {}

function readArgs(argv: string[]): z.infer<typeof zArgs> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        year: { type: 'string' }, out: { type: 'string' }, in: { type: 'string' }, method: { type: 'string' },
        'filing-status': { type: 'string' }, 'wash-sale': { type: 'boolean' }, 'mint-basis': { type: 'string' },
        'digital-asset': { type: 'boolean' }, 'box-short': { type: 'string' }, 'box-long': { type: 'string' },
        'prior-year': { type: 'string' }, 'taxable-income': { type: 'string' }, tz: { type: 'string' }, asset: { type: 'string' },
        'data-dir': { type: 'string' }, help: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { year: '0000', out: '-', help: true };
  const r = zArgs.safeParse(values);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UsageError(`--${issue?.path.join('.') || '?'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

/** Refuses a file that cannot be read (a UsageError naming it) or is over `maxBytes`, before reading it. */
async function checkSize(file: string, maxBytes: number, what: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new UsageError(`${what} ${file} cannot be read (does it exist?)`);
  }
  if (size > maxBytes) throw new TaxInputError(`is larger than ${maxBytes} bytes`, '(file)');
}

async function readLimited(file: string, maxBytes: number, what: string): Promise<string> {
  await checkSize(file, maxBytes, what);
  return readFile(file, 'utf8');
}

/** The input file's bytes on shared memory (the tax engine hands the helper worker its part as they are). */
async function readShared(file: string): Promise<Uint8Array> {
  await checkSize(file, CSV_BYTES_MAX, 'input file');
  return readFileShared(file, CSV_BYTES_MAX);
}

async function readPrior(file: string): Promise<TaxSettingsInput['prior_year']> {
  const text = await readLimited(file, PRIOR_BYTES_MAX, 'prior-year file');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TaxInputError(`is not JSON: ${(err as Error).message}`, 'prior-year');
  }
  const r = zPriorYear.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new TaxInputError(`${issue?.message ?? 'invalid'} (expected {"taxable_income","line7","line15","line21"} as decimal strings)`, `prior-year ${issue?.path.join('.') ?? ''}`.trim());
  }
  return r.data;
}

type Input = { kind: 'csv'; bytes: Uint8Array; dataAsOf: string } | { kind: 'ledger'; txs: TaxTransaction[]; dataAsOf: string };

async function loadTransactions(input: string | undefined, dataDir: string | undefined): Promise<Input> {
  if (input === undefined) {
    const file = dataPaths(dataDir ?? defaultDataDir()).ledger_db;
    if (!existsSync(file)) throw new UsageError(`no --in file given and no wallet ledger at ${file} (sync once, pass --data-dir, or pass --in transactions.csv)`);
    await unlockLedgerForCommand(dataDir ?? defaultDataDir());
    // Read-only: a report never creates, migrates or writes the ledger (an older schema is read through a migrated in-memory copy).
    const ro = openWalletDbReadOnly(file);
    const copy = ro.version < LATEST_VERSION ? migratedCopy(ro.db) : null;
    try {
      const { transactions, data_as_of } = transactionsFromLedger(copy ?? ro.db);
      return { kind: 'ledger', txs: transactions, dataAsOf: data_as_of };
    } catch (err) {
      if (err instanceof LedgerTaxError) throw new TaxInputError(err.message, '(ledger)');
      throw asFileError(file, err);
    } finally {
      copy?.close();
      ro.close();
    }
  }
  const bytes = await readShared(input);
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return { kind: 'csv', bytes, dataAsOf: `input file ${path.basename(input)} (sha256 ${digest})` };
}

/** Writes every file under a temporary name first, then renames them in: all or nothing as far as the file system allows. */
async function writeAll(dir: string, files: { name: string; content: string | Buffer }[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = files.map((f) => path.join(dir, `.${f.name}.${process.pid}.tmp`));
  try {
    for (const [i, f] of files.entries()) await writeFile(tmp[i] as string, f.content);
    for (const [i, f] of files.entries()) await rename(tmp[i] as string, path.join(dir, f.name));
  } catch (err) {
    for (const t of tmp) await rm(t, { force: true });
    throw err;
  }
}

export async function run(argv: string[]): Promise<number> {
  try {
    const args = readArgs(argv);
    if (args.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const year = Number(args.year);
    const input = await loadTransactions(args.in, args['data-dir']);
    const dataAsOf = input.dataAsOf;
    const settings: TaxSettingsInput = {
      year,
      method_orders: args.method ? [{ method: args.method, effective_from: '1970-01-01T00:00:00Z' }] : [],
      filing_status: args['filing-status'] ?? 'single',
      wash_sale: args['wash-sale'] ?? false,
      mint_basis: args['mint-basis'] ?? 'allocated',
      digital_asset: args['digital-asset'] ?? false,
      tz: args.tz ?? 'UTC',
      ...(args['box-short'] ? { box_short: args['box-short'] } : {}),
      ...(args['box-long'] ? { box_long: args['box-long'] } : {}),
      ...(args['prior-year'] ? { prior_year: await readPrior(args['prior-year']) } : {}),
      ...(args['taxable-income'] !== undefined ? { taxable_income: args['taxable-income'] } : {}),
      ...(args.asset ? { asset_symbol: args.asset } : {}),
      data_as_of: dataAsOf,
    };
    const result = input.kind === 'csv' ? computeTaxYearFromCsvBytes(input.bytes, settings) : computeTaxYear(input.txs, settings);
    const meta = { data_as_of: `${dataAsOf}; last event ${result.last_event_time ?? 'none'}`, generated_at: new Date().toISOString() };
    const files = await buildReportFiles(result, meta);
    await writeAll(args.out, files);
    process.stdout.write(`wrote ${files.length} files to ${args.out}: ${files.map((f) => f.name).join(', ')}\n`);
    process.stdout.write(`short-term ${result.totals.short_term_gain}, long-term ${result.totals.long_term_gain}, line 16 ${result.schedule_d.line16}, line 21 ${result.schedule_d.line21}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof TaxInputError) {
      process.stderr.write(`error: ${err.message}\nnothing was written.\n`);
      return 1;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\nnothing was written.\n`);
    return 1;
  }
}
