// The per-row files (Form 8949 CSV, TXF, TurboTax CSV) of a large year written by two threads:
// the row-file worker (row-files-worker.ts) writes the last rows of each file while the main
// thread writes the first ones, then the PDF. Why: with wash sales on, a million transactions
// make ~1.4 million rows and ~240 MB of files; writing them was ~2.5 s of a 7 s report on one
// core (docs/BENCHMARKS.md, "third pass"). The bytes are the same as rowFiles' (writers.ts):
// both threads use row-writer.ts, each into its own region of one SharedArrayBuffer per file,
// sized first (rowBytes), so nothing is copied or joined.
//
// A worker failure (it cannot start, throws, exits, or does not answer in time) rejects with an
// Error naming the row-file worker; no file is returned then, whole or partial.
import type { Worker } from 'node:worker_threads';
import { ByteSink } from './bytes.js';
import { rowBytes, writeRows, type RowFileBytes } from './row-writer.js';
import { giveBackRowWorker, HEAD_RESERVE_BYTES, isPrepared, nextRowJob, PREPARED_FILE_BYTES_MAX, RowWorkerError, takeRowWorker, type GrowableSab, type Region } from './row-worker.js';
import type { RowTable } from './rows.js';
import type { TaxYearResult } from './types.js';
import { rowFileHeads, tableFormOrder, turbotaxNegative, type ReportMeta } from './writers.js';

/** Below this many rows one thread writes the files (starting a worker costs more than it saves). */
export const PARALLEL_ROWS_MIN = 100_000;
/**
 * Share of the rows the main thread writes (it also builds the PDF, ~0.3 s at a 1M year, while
 * the worker writes): measured at the synthetic 1M year, wash sales on and off.
 */
export const MAIN_ROW_SHARE = 0.34;

/** How often the files were written into prepared buffers, and sized from the preparation's per-row lengths (diagnostics and tests). */
export const rowFileCounts = { prepared: 0, sized_from_prep: 0 };

export interface RowFileBuffers {
  form8949: Buffer;
  txf: Buffer;
  turbotax: Buffer;
}

export interface ParallelOptions {
  /** The worker to use (tests); by default the idle one or a new row-files-worker. */
  start?: () => Worker;
  /** Share of the rows the main thread writes (0..1). */
  mainShare?: number;
}

/**
 * Starts writing the row files on two threads. Resolves once the main thread has written its
 * rows; `finish()` then waits for the worker's (the caller builds the PDF in between).
 */
export async function beginRowFilesParallel(r: TaxYearResult, meta: ReportMeta, table: RowTable, opts: ParallelOptions = {}): Promise<{ finish(): Promise<RowFileBuffers> }> {
  const share = opts.mainShare ?? MAIN_ROW_SHARE;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`main row share ${share} is not in [0, 1]`);
  const heads = rowFileHeads(r, meta);
  const symbol = r.settings.asset_symbol;
  const order = tableFormOrder(table);
  const n = order.length;
  const split = Math.floor(n * share);
  const worker = takeRowWorker(opts.start);
  const job = nextRowJob();
  try {
    const sized = worker.ask({ kind: 'size', job, data: table.data(), order, from: split, to: n, symbol });
    sized.catch(() => undefined); // awaited below
    // A worker that prepared this table knows every row's bytes; otherwise this thread counts its own meanwhile.
    const counted = isPrepared(table) ? null : rowBytes(table, order, 0, split, symbol);
    const answer = await sized;
    if (answer.kind !== 'sized' || answer.job !== job) throw new RowWorkerError(`unexpected answer ${answer.kind} to job ${job}`);
    if (answer.mine) rowFileCounts.sized_from_prep++;
    const mine = counted ?? answer.mine ?? rowBytes(table, order, 0, split, symbol);
    const theirs = answer.bytes;
    // Per file: [head | main's rows | worker's rows] in one shared buffer: a prepared one (its
    // memory mapped while the year was computed; the head goes right before the rows) or a new one.
    const head = { f: Buffer.byteLength(heads.f, 'utf8'), tx: Buffer.byteLength(heads.tx, 'latin1'), tt: Buffer.byteLength(heads.tt, 'utf8') };
    const prepared = Array.isArray(answer.prepared) && answer.prepared.length === 3 && Math.max(head.f, head.tx, head.tt) <= HEAD_RESERVE_BYTES ? answer.prepared : null;
    const file = (k: keyof RowFileBytes, i: number): { sab: SharedArrayBuffer; start: number; buf: Buffer } => {
      const bytes = head[k] + mine[k] + theirs[k];
      const sab = prepared?.[i] as GrowableSab | undefined;
      if (!sab || HEAD_RESERVE_BYTES + mine[k] + theirs[k] > PREPARED_FILE_BYTES_MAX) {
        const fresh = new SharedArrayBuffer(bytes);
        return { sab: fresh, start: 0, buf: Buffer.from(fresh) };
      }
      if (sab.byteLength < HEAD_RESERVE_BYTES + mine[k] + theirs[k]) sab.grow(HEAD_RESERVE_BYTES + mine[k] + theirs[k]);
      const start = HEAD_RESERVE_BYTES - head[k];
      return { sab, start, buf: Buffer.from(sab, start, bytes) };
    };
    const f = file('f', 0), tx = file('tx', 1), tt = file('tt', 2);
    if (prepared) rowFileCounts.prepared++;
    const region = (k: keyof RowFileBytes, x: { sab: SharedArrayBuffer; start: number }): Region => ({ sab: x.sab, at: x.start + head[k] + mine[k], bytes: theirs[k] });
    const written = worker.ask({ kind: 'write', job, f: region('f', f), tx: region('tx', tx), tt: region('tt', tt) });
    written.catch(() => undefined); // awaited in finish()
    const sink = (enc: 'utf8' | 'latin1', k: keyof RowFileBytes, x: { buf: Buffer }, text: string): ByteSink => {
      const s = new ByteSink(enc, head[k] + mine[k], { buf: x.buf, at: 0 });
      s.text(text);
      return s;
    };
    const fs = sink('utf8', 'f', f, heads.f), txs = sink('latin1', 'tx', tx, heads.tx), tts = sink('utf8', 'tt', tt, heads.tt);
    // The main thread's rows come first in form order: a bad row here is the first one, as with one thread.
    const bad = writeRows(table, order, 0, split, symbol, fs, txs, tts);
    if (bad >= 0) throw turbotaxNegative(table.get(bad).disposal_id);
    fs.buffer();
    txs.buffer();
    tts.buffer();
    return {
      async finish(): Promise<RowFileBuffers> {
        try {
          const done = await written;
          if (done.kind !== 'written' || done.job !== job) throw new RowWorkerError(`unexpected answer ${done.kind} to job ${job}`);
          if (done.bad_row >= 0) throw turbotaxNegative(table.get(done.bad_row).disposal_id);
          // The buffers start zeroed and every row ends with a line feed: a file whose worker
          // region was not written through to its end is refused (the worker checks its counts too).
          if (split < n) for (const [name, x] of [['8949', f], ['TXF', tx], ['TurboTax', tt]] as const) {
            if (x.buf[x.buf.length - 1] !== 10) throw new RowWorkerError(`the ${name} file does not end with its last row`);
          }
        } catch (err) {
          worker.terminate();
          throw err;
        }
        giveBackRowWorker(worker, opts.start === undefined);
        return { form8949: f.buf, txf: tx.buf, turbotax: tt.buf };
      },
    };
  } catch (err) {
    worker.terminate();
    throw err;
  }
}
