// All output files of a tax year, built in memory (so a failure writes nothing): six report
// files and manifest.json, which records where they came from and their digests. A large
// year's per-row files are written by two threads (row-files.ts), with the same bytes.
import { MANIFEST_NAME, reportManifest } from './manifest.js';
import { rowTableOf } from './engine.js';
import { gainsReportPdf } from './pdf.js';
import { beginRowFilesParallel, PARALLEL_ROWS_MIN, type ParallelOptions, type RowFileBuffers } from './row-files.js';
import type { TaxYearResult } from './types.js';
import { incomeCsv, incomeNote, rowFiles, scheduleDJson, TURBOTAX_WASH_NOTE, txfNote, type ReportMeta } from './writers.js';

export interface ReportFile {
  name: string;
  content: string | Buffer;
}

export function reportFileNames(year: number): string[] {
  return [
    `form8949-${year}.csv`, `schedule-d-${year}.json`, `gains-${year}.txf`, `turbotax-${year}.csv`, `income-${year}.csv`, `gains-report-${year}.pdf`, MANIFEST_NAME,
  ];
}

/** How the per-row files are written: 'auto' uses two threads from PARALLEL_ROWS_MIN rows. */
export interface ReportOptions {
  threads?: 'auto' | 'one' | 'two';
  /** Passed to the two-thread writer (tests: a given worker, the main thread's share). */
  parallel?: ParallelOptions;
}

export async function buildReportFiles(r: TaxYearResult, meta: ReportMeta, opts: ReportOptions = {}): Promise<ReportFile[]> {
  const y = r.year;
  const table = rowTableOf(r);
  const threads = opts.threads ?? 'auto';
  const two = table !== null && (threads === 'two' || (threads === 'auto' && table.count >= PARALLEL_ROWS_MIN));
  let perRow: RowFileBuffers, pdf: Buffer;
  if (two) {
    // The worker writes its rows while this thread writes its own and then the PDF.
    const job = await beginRowFilesParallel(r, meta, table, opts.parallel);
    pdf = await gainsReportPdf(r, meta).catch(async (err: unknown) => {
      await job.finish().catch(() => undefined); // settle the worker before failing
      throw err;
    });
    perRow = await job.finish();
  } else {
    perRow = rowFiles(r, meta);
    pdf = await gainsReportPdf(r, meta);
  }
  const txf = txfNote(r);
  const files: (ReportFile & { notes?: string[] })[] = [
    { name: `form8949-${y}.csv`, content: perRow.form8949, notes: lotWarningsNote(r) },
    { name: `schedule-d-${y}.json`, content: scheduleDJson(r, meta) },
    { name: `gains-${y}.txf`, content: perRow.txf, notes: txf ? [txf] : [] },
    { name: `turbotax-${y}.csv`, content: perRow.turbotax, notes: [TURBOTAX_WASH_NOTE] },
    { name: `income-${y}.csv`, content: incomeCsv(r), notes: [incomeNote(r)] },
    { name: `gains-report-${y}.pdf`, content: pdf },
  ];
  return [...files.map(({ name, content }) => ({ name, content })), { name: MANIFEST_NAME, content: reportManifest(r, meta, files) }];
}

/** Rows whose lots were not the ones chosen are said so next to the 8949 (details in the Schedule D JSON). */
function lotWarningsNote(r: TaxYearResult): string[] {
  const n = r.warnings.length;
  return n === 0 ? [] : [`${n} disposal${n === 1 ? '' : 's'} did not use the lots chosen for ${n === 1 ? 'it' : 'them'}; see lot_warnings in schedule-d-${r.year}.json`];
}
