// Reading a large transactions CSV on two threads: this thread parses the first part of the file,
// then it and the helper worker (row-files-worker.ts, the same thread that later writes part of
// the report's row files) share the rest in slices, this thread taking them from the front and the
// worker from the back (claimSlice); then this thread appends the worker's events. Why: parsing
// and checking a million rows was ~2 s of a 7 s report on one core (docs/BENCHMARKS.md, "third
// pass"). Sharing by slices rather than a fixed split: the worker's start (~0.6 s under tsx) and
// the other load on the machine vary. computeTaxYearFromCsv is synchronous, so the worker's answer
// is awaited with Atomics.wait on a port of its own (receiveMessageOnPort).
//
// The file is shared as its UTF-8 bytes on a SharedArrayBuffer, and each thread decodes only the
// parts it parses. Why: a 1M-row file as one string cost ~0.4 s to decode and ~0.15 s more to copy
// the worker's part to it (postMessage copies a string), all on this thread before the split paid
// off. Slices end after a line feed (a byte that is never part of a longer UTF-8 sequence), so the
// parts decode to exactly the characters of the whole.
//
// Same result as one thread: the same events in the same order, and the same first error (this
// thread's part and slices come first; duplicate ids across slices are checked as the worker's
// events are appended in file order; each worker slice stops at its first error, raised after its
// events). Only files without quotes are split (a quoted field may hold a line break, so a line is
// not a row). If the worker fails or does not answer in time, its slices are parsed here.
import type { Worker } from 'node:worker_threads';
import { open } from 'node:fs/promises';
import { CSV_BYTES_MAX, type CsvColumns } from './csv.js';
// The split looks for line feeds only (and a quote, which stops it).
import { bomLength, bufferOf, csvColumnsOfLine, LF, QUOTE, readCsvBytesInto } from './csv-bytes.js';
import { makeDayOf, type DayOf } from './dates.js';
import { EventCollector, type EvStore } from './prepare.js';
import { giveBackRowWorker, takeRowWorker, type ParseJob, type SlicePart } from './row-worker.js';
import { LIMITS, TaxInputError, type TaxSettings } from './types.js';

/** Files with fewer lines are read by one thread (the worker's start, ~0.1-0.7 s, would cost more). */
export const SPLIT_LINES_MIN = 200_000;
/**
 * Share of the text this thread parses before it shares the rest with the worker, slice by slice
 * (whichever thread is free takes the next one: the worker's start, ~0.1-0.7 s, and the other
 * load on the machine then decide the split, not a guess).
 */
export const MAIN_TEXT_SHARE = 0.45;
/** Slices of the shared rest (more: finer sharing, more batches to append; at most SLICES_MAX). */
export const SLICES = 16;
export const SLICES_MAX = 0xfff;
/** This thread waits at most this long for the worker's part, then parses it itself. */
export const PARSE_WAIT_MS_MAX = 30_000;

/** How often the worker's part was used (diagnostics and tests: the other outcome is this thread parsing it). */
export const splitCounts = { worker_parts: 0 };


/** Line feeds in bytes[from, to) (Buffer.indexOf: memchr, ~40 ms for a 1M-row file). */
export function countLineFeeds(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(LF, from); i >= 0 && i < to; i = bytes.indexOf(LF, i + 1)) n++;
  return n;
}

/** UTF-8 bytes of `text` on a SharedArrayBuffer (what collectCsvSplit shares with the worker). */
export function sharedUtf8(text: string): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(Buffer.byteLength(text, 'utf8')));
  Buffer.from(out.buffer, 0, out.length).write(text, 'utf8');
  return out;
}

/** The same bytes on a SharedArrayBuffer: `bytes` itself when they already are. */
export function shared(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

/** bytes[from, to) as text (invalid sequences become U+FFFD, as reading the file as UTF-8 does). */
export function utf8Text(bytes: Uint8Array, from = 0, to = bytes.length): string {
  return bufferOf(bytes, from, to).toString('utf8');
}

/**
 * A file's bytes on a SharedArrayBuffer, at most `bytesMax` (a longer file is refused before it
 * is read). Read into shared memory so that collectCsvSplit hands the worker its part without a copy.
 */
export async function readFileShared(file: string, bytesMax: number = CSV_BYTES_MAX): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size > bytesMax) throw new TaxInputError(`is larger than ${bytesMax} bytes`, '(file)');
    const out = new Uint8Array(new SharedArrayBuffer(size));
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(out, at, size - at, at);
      if (bytesRead === 0) break; // the file shrank while being read: what was there
      at += bytesRead;
    }
    return at === size ? out : out.subarray(0, at);
  } finally {
    await fh.close();
  }
}

/** Tests: a smaller threshold, a given worker, another split. */
export interface SplitOptions {
  linesMin?: number;
  start?: () => Worker;
  /** Share of the file the main thread parses before it shares the rest (0..1). */
  mainShare?: number;
  /** Wait for the worker even if it has not begun (tests of the worker's side). */
  waitForWorker?: boolean;
  /** Slices of the shared rest. */
  slices?: number;
}

/**
 * Claims a slice: the lowest unclaimed (`low`, the main thread) or the highest (the worker).
 * `claim` is [low, high): both ends in one word, changed with compare-and-swap. -1: none left.
 */
export function claimSlice(claim: Int32Array, low: boolean): number {
  for (;;) {
    const st = Atomics.load(claim, 0);
    const lo = st & 0xffff, hi = st >>> 16;
    if (lo >= hi) return -1;
    const next = low ? (lo + 1) | (hi << 16) : lo | ((hi - 1) << 16);
    if (Atomics.compareExchange(claim, 0, st, next) === st) return low ? lo : hi - 1;
  }
}

/** The worker's side (and this thread's when the worker fails): the slices it claims, highest first. */
export function parseClaimed(job: ParseJob, claimed?: number[]): SlicePart[] {
  const parts: SlicePart[] = [];
  const cols = csvColumnsOfLine(job.header);
  if (!cols) throw new Error('csv split: the header line is blank'); // collectCsvSplit does not split such a file
  const dayOf = makeDayOf(job.settings.tz);
  for (let k = claimed ? (claimed.shift() ?? -1) : claimSlice(job.claim, false); k >= 0; k = claimed ? (claimed.shift() ?? -1) : claimSlice(job.claim, false)) {
    const from = job.starts[k] as number, to = job.starts[k + 1] as number;
    const c = new EventCollector(job.settings, dayOf, Math.max(16, (to - from) >> 4));
    const error = parseInto(c, job.bytes, from, to, job.lines[k] as number, cols, dayOf);
    parts.push({ slice: k, batch: c.batch(), error });
  }
  return parts;
}

/** Reads lines [from, to) of `bytes` into `c` (csv-bytes.ts); returns the first error instead of throwing it. */
function parseInto(c: EventCollector, bytes: Uint8Array, from: number, to: number, firstLine: number, cols: CsvColumns, dayOf: DayOf): SlicePart['error'] {
  try {
    readCsvBytesInto(c, bytes, from, to, firstLine, cols, dayOf);
    return null;
  } catch (err) {
    return err instanceof TaxInputError
      ? { tax: true, detail: err.detail, column: err.column, tx_id: err.tx_id, row: err.row }
      : { tax: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** The column buffers of the parts' batches (moved to the other thread, not copied). */
export function partsTransfer(parts: SlicePart[]): ArrayBuffer[] {
  return parts.flatMap(({ batch: b }) => [b.idHash, b.row, b.type, b.ms, b.day, b.qty, b.cents, b.income].map((a) => a.buffer as ArrayBuffer));
}

function raise(e: NonNullable<SlicePart['error']>): never {
  if (e.tax) throw new TaxInputError(e.detail, e.column, e.tx_id, e.row);
  throw new Error(e.message);
}

/**
 * Reads a CSV's UTF-8 bytes (on a SharedArrayBuffer: see shared()) on two threads: `ev` is its
 * events, or null when it is not split (small, too large, or with quotes; then the caller reads
 * it on one thread). `lines`: the file's lines either way.
 */
export function collectCsvSplit(bytes: Uint8Array, s: TaxSettings, dayOf: DayOf, opts: SplitOptions = {}): { ev: EvStore | null; lines: number } {
  if (!(bytes.buffer instanceof SharedArrayBuffer)) throw new TypeError('collectCsvSplit reads bytes on a SharedArrayBuffer (see shared())');
  const start = opts.start;
  const share = opts.mainShare ?? MAIN_TEXT_SHARE;
  const sliceCount = opts.slices ?? SLICES;
  if (!(share >= 0 && share < 1)) throw new RangeError(`main text share ${share} is not in [0, 1)`);
  if (!(sliceCount >= 1 && sliceCount <= SLICES_MAX)) throw new RangeError(`${sliceCount} slices (1 to ${SLICES_MAX})`);
  const buf = bufferOf(bytes);
  const size = buf.length;
  const bom = bomLength(buf);
  const headerEnd = buf.indexOf(LF);
  if (headerEnd < 0 || buf.indexOf(QUOTE) >= 0) return { ev: null, lines: 1 + countLineFeeds(buf, 0, size) };
  // Line starts: the main thread's own part, then the shared rest in slices (empty ones dropped).
  const lineStartAt = (pos: number): number => {
    const nl = buf.indexOf(LF, Math.max(headerEnd, pos - 1));
    return nl < 0 ? size : nl + 1;
  };
  const mid = lineStartAt(headerEnd + 1 + Math.floor((size - headerEnd - 1) * share));
  const bounds = [mid];
  for (let k = 1; k <= sliceCount; k++) {
    const b = k === sliceCount ? size : lineStartAt(mid + Math.floor(((size - mid) * k) / sliceCount));
    if (b > (bounds.at(-1) as number)) bounds.push(b);
  }
  // The file's line number of each slice's first line, and its lines, in one pass.
  const n = bounds.length - 1;
  const lineNos = new Int32Array(n);
  let line = 1 + countLineFeeds(buf, 0, mid);
  for (let k = 0; k < n; k++) {
    lineNos[k] = line;
    line += countLineFeeds(buf, bounds[k] as number, bounds[k + 1] as number);
  }
  const lines = line;
  if (mid >= size || lines < (opts.linesMin ?? SPLIT_LINES_MIN) || lines > LIMITS.transactions_max) return { ev: null, lines };
  // The header, checked before the worker starts (its errors come first in the file); a file whose
  // first line is blank has its header further down: read as text on one thread.
  const header = utf8Text(bytes, bom, headerEnd);
  const cols = csvColumnsOfLine(header);
  if (!cols) return { ev: null, lines };
  const starts = Int32Array.from(bounds, (b) => b - mid);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  claim[0] = n << 16; // [0, n) unclaimed
  const job: Omit<ParseJob, 'job'> = { header, bytes: bytes.subarray(mid), starts, lines: lineNos, claim, settings: s };
  const worker = takeRowWorker(start);
  let sent: number;
  try {
    sent = worker.send({ kind: 'parse', ...job });
  } catch {
    sent = -1;
  }
  const c = new EventCollector(s, dayOf, Math.min(lines, LIMITS.transactions_max));
  try {
    readCsvBytesInto(c, bytes, headerEnd + 1, mid, 2, cols, dayOf);
    // The main thread's slices follow its own part, in order: the same collector goes on.
    if (opts.waitForWorker) while (!worker.begun(sent) && sent >= 0) Atomics.wait(claim, 0, Atomics.load(claim, 0), 1);
    for (let k = claimSlice(claim, true); k >= 0; k = claimSlice(claim, true)) {
      const error = parseInto(c, job.bytes, starts[k] as number, starts[k + 1] as number, lineNos[k] as number, cols, dayOf);
      if (error) raise(error);
    }
  } catch (err) {
    worker.terminate(); // the worker's slices are not needed: this error comes first
    throw err;
  }
  const firstWorkerSlice = Atomics.load(claim, 0) >>> 16;
  let parts: SlicePart[] | null = firstWorkerSlice < n ? null : [];
  if (parts === null && sent >= 0) {
    try {
      const m = worker.receive(sent, PARSE_WAIT_MS_MAX);
      if (m.kind === 'parsed') parts = m.parts;
    } catch {
      parts = null; // parsed here instead (below): the result does not depend on where
    }
  }
  if (parts === null) {
    worker.terminate();
    const claimed: number[] = [];
    for (let k = n - 1; k >= firstWorkerSlice; k--) claimed.push(k);
    parts = parseClaimed({ job: 0, ...job }, claimed);
  } else {
    if (parts.length > 0) splitCounts.worker_parts++;
    else if (sent >= 0) worker.abandon(sent); // it will find no slice to claim; its empty answer is dropped
    giveBackRowWorker(worker, start === undefined);
  }
  if (parts.length !== n - firstWorkerSlice) throw new Error(`csv split: ${parts.length} slices back, ${n - firstWorkerSlice} claimed`);
  for (let k = parts.length - 1; k >= 0; k--) {
    const part = parts[k] as SlicePart;
    if (part.slice !== n - 1 - k) throw new Error(`csv split: slice ${part.slice} where ${n - 1 - k} was expected`);
    c.appendBatch(part.batch);
    if (part.error) raise(part.error);
  }
  return { ev: c.finish(), lines };
}
