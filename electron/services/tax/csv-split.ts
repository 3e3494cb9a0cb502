// Reading a large transactions CSV on two threads: the helper worker (row-files-worker.ts, the
// same thread that later writes part of the report's row files) parses the last part of the file
// while this thread parses the first, then this thread appends the worker's events. Why: parsing
// and checking a million rows was ~2 s of a 7 s report on one core (docs/BENCHMARKS.md, "third
// pass"), and computeTaxYearFromCsv is synchronous, so the worker's answer is awaited with
// Atomics.wait on a port of its own (receiveMessageOnPort).
//
// Same result as one thread: the same events in the same order, and the same first error (the
// main thread's part comes first; duplicate ids across the parts are checked as the worker's
// events are appended; the worker stops at its first error, which is raised after them). Only
// files without quotes are split (a quoted field may hold a line break, so a line is not a row).
// A worker that has not begun its part when this thread is done with its own, fails, or does not
// answer in time is stopped and its part parsed here.
import type { Worker } from 'node:worker_threads';
import { forEachCsvTransaction } from './csv.js';
import { makeDayOf, type DayOf } from './dates.js';
import { EventCollector, type EvBatch, type EvStore } from './prepare.js';
import { giveBackRowWorker, takeRowWorker, type ParseJob, type ParseAnswer } from './row-worker.js';
import { LIMITS, TaxInputError, type TaxSettings } from './types.js';

/** Files with fewer lines are read by one thread (the worker's start, ~0.1-0.7 s, would cost more). */
export const SPLIT_LINES_MIN = 200_000;
/** Share of the text the worker parses: less than half, as it starts (and warms up) while this thread parses. */
export const WORKER_TEXT_SHARE = 0.5;
/** This thread waits at most this long for the worker's part, then parses it itself. */
export const PARSE_WAIT_MS_MAX = 30_000;

/** How often the worker's part was used (diagnostics and tests: the other outcome is this thread parsing it). */
export const splitCounts = { worker_parts: 0 };

/** Newlines in text[from, to). */
export function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The worker's side (and this thread's when the worker fails): the events of one part, to its first error. */
export function parsePart(job: ParseJob): ParseAnswer {
  const c = new EventCollector(job.settings, makeDayOf(job.settings.tz), job.capacity);
  let error: ParseAnswer['error'] = null;
  try {
    forEachCsvTransaction(`${job.header}\n${job.text}`, (tx) => c.add(tx), job.line_offset);
  } catch (err) {
    error = err instanceof TaxInputError
      ? { tax: true, detail: err.detail, column: err.column, tx_id: err.tx_id, row: err.row }
      : { tax: false, message: err instanceof Error ? err.message : String(err) };
  }
  return { kind: 'parsed', job: job.job, batch: c.batch(), error };
}

/** The column buffers of a batch (moved to the other thread, not copied). */
export function batchTransfer(b: EvBatch): ArrayBuffer[] {
  return [b.idHash, b.row, b.type, b.ms, b.day, b.qty, b.cents, b.income].map((a) => a.buffer as ArrayBuffer);
}

function raise(e: NonNullable<ParseAnswer['error']>): never {
  if (e.tax) throw new TaxInputError(e.detail, e.column, e.tx_id, e.row);
  throw new Error(e.message);
}

/** Tests: a smaller threshold, a given worker, another split. */
export interface SplitOptions {
  linesMin?: number;
  start?: () => Worker;
  workerShare?: number;
  /** Wait for the worker's part even if it has not begun (tests of the worker's side at any split). */
  waitForWorker?: boolean;
}

/**
 * The events of a CSV of `lines` lines read on two threads, or null when it is not split (small,
 * too large, or with quotes); then the caller reads it on one thread.
 */
export function collectCsvSplit(text: string, s: TaxSettings, dayOf: DayOf, lines: number, opts: SplitOptions = {}): EvStore | null {
  const start = opts.start;
  if (lines < (opts.linesMin ?? SPLIT_LINES_MIN) || lines > LIMITS.transactions_max || text.indexOf('"') >= 0) return null;
  const share = opts.workerShare ?? WORKER_TEXT_SHARE;
  if (!(share > 0 && share < 1)) throw new RangeError(`worker text share ${share} is not in (0, 1)`);
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const headerEnd = text.indexOf('\n');
  // The worker's part starts at a line start past the header, about WORKER_TEXT_SHARE from the end.
  const cut = text.indexOf('\n', Math.max(headerEnd + 1, Math.floor(text.length * (1 - share))));
  if (headerEnd < 0 || cut < 0 || cut + 1 >= text.length) return null;
  const mid = cut + 1;
  const midLine = 1 + countNewlines(text, 0, mid);
  const worker = takeRowWorker(start);
  const job: Omit<ParseJob, 'job'> = {
    header: text.slice(bom, headerEnd), text: text.slice(mid), line_offset: midLine - 2, settings: s, capacity: Math.max(16, lines - midLine + 2),
  };
  let sent: number;
  try {
    sent = worker.send({ kind: 'parse', ...job });
  } catch {
    sent = -1;
  }
  const c = new EventCollector(s, dayOf, Math.min(lines, LIMITS.transactions_max));
  try {
    forEachCsvTransaction(text.slice(0, mid), (tx) => c.add(tx));
  } catch (err) {
    worker.terminate(); // its part is not needed: this error comes first
    throw err;
  }
  let answer: ParseAnswer | null = null;
  // A worker that has not begun by now (still starting, or it could not start) is not waited for.
  if (sent >= 0 && (opts.waitForWorker === true || worker.begun(sent))) {
    try {
      const m = worker.receive(sent, PARSE_WAIT_MS_MAX);
      if (m.kind === 'parsed') answer = m;
    } catch {
      answer = null; // parsed here instead (below): the result does not depend on where
    }
  }
  if (answer) {
    splitCounts.worker_parts++;
    giveBackRowWorker(worker, start === undefined);
  }
  else {
    worker.terminate();
    answer = parsePart({ job: 0, ...job });
  }
  c.appendBatch(answer.batch);
  if (answer.error) raise(answer.error);
  return c.finish();
}
