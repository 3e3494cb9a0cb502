// The row-file worker's main-thread end (row-files-worker.ts is the worker): its messages, one
// worker kept idle between reports (prestartRowFilesWorker starts it while the year is being
// computed), and one question at a time with a timeout. A worker that fails in any way is
// stopped and never reused; the question fails with a RowWorkerError.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { EvBatch } from './prepare.js';
import type { RowFileBytes } from './row-writer.js';
import type { RowChunkColumns, RowTable, RowTableData } from './rows.js';
import type { TaxSettings } from './types.js';
import { startWorkerEntry } from './worker-start.js';

/**
 * Prepared files (prepareRowFiles): room before the rows for a file's header, which the main
 * thread writes right before them (a longer header: the files are not taken from the preparation).
 */
export const HEAD_RESERVE_BYTES = 64 * 1024;
/** A prepared file's most bytes (the growable buffers reserve this much address space, not memory). */
export const PREPARED_FILE_BYTES_MAX = 2 ** 31;

/** A growable SharedArrayBuffer (ES2024; Node 20's V8 has it, this TypeScript lib does not yet). */
export type GrowableSab = SharedArrayBuffer & { grow(bytes: number): void; readonly growable: boolean };

export function growableSab(bytes: number, maxBytes: number): GrowableSab {
  const Make = SharedArrayBuffer as unknown as new (bytes: number, opts: { maxByteLength: number }) => GrowableSab;
  return new Make(bytes, { maxByteLength: maxBytes });
}

/** A worker that has not answered in this long fails the report (writing 1.4 M rows takes ~1 s). */
export const ROW_WORKER_TIMEOUT_MS = 120_000;

/** A region of a file's shared buffer: `bytes` bytes from offset `at`. */
export interface Region {
  sab: SharedArrayBuffer;
  at: number;
  bytes: number;
}

/**
 * The tail of a CSV, in slices, for the worker to parse (csv-split.ts): it claims slices from the
 * last one down while the main thread claims them from the first one up (see claimSlice).
 */
export interface ParseJob {
  job: number;
  /** The header line (each slice is parsed as this line followed by the slice). */
  header: string;
  /** The shared part's UTF-8 bytes (a view of the file's SharedArrayBuffer: not copied). */
  bytes: Uint8Array;
  /** Slice k is bytes[starts[k], starts[k + 1]). */
  starts: Int32Array;
  /** The file's line number of each slice's first line. */
  lines: Int32Array;
  /** Shared: claimSlice's state (next low slice, next high slice). */
  claim: Int32Array;
  settings: TaxSettings;
}

/** A slice's error-free events, and the error they stop before (or null). */
export interface SlicePart {
  slice: number;
  batch: EvBatch;
  error: { tax: true; detail: string; column: string; tx_id: string | undefined; row: number | undefined } | { tax: false; message: string } | null;
}

export interface ParseAnswer {
  kind: 'parsed';
  job: number;
  /** The slices the worker claimed, highest first. */
  parts: SlicePart[];
}

export type ToRowWorker =
  | { kind: 'prep'; prep: number; symbol: string; boxShort: RowTableData['boxShort']; boxLong: RowTableData['boxLong']; day: Int32Array }
  | { kind: 'chunk'; prep: number; k: number; columns: RowChunkColumns }
  | { kind: 'unprep'; prep: number }
  | (ParseJob & { kind: 'parse'; port: MessagePort; flag: Int32Array })
  | { kind: 'size'; job: number; data: RowTableData; order: Int32Array; from: number; to: number; symbol: string }
  | { kind: 'write'; job: number; f: Region; tx: Region; tt: Region };

export type FromRowWorker =
  | ParseAnswer
  /** `bytes`: the asked range's bytes; `mine`: the rest's (before it), known from the preparation, or null (the main thread counts them). */
  | { kind: 'sized'; job: number; bytes: RowFileBytes; mine: RowFileBytes | null; prepared: SharedArrayBuffer[] | null }
  | { kind: 'written'; job: number; bad_row: number }
  | { kind: 'failed'; job: number; message: string };

export class RowWorkerError extends Error {
  constructor(message: string) {
    super(`tax report: the row-file worker failed: ${message}`);
    this.name = 'RowWorkerError';
  }
}

export function startRowFilesWorker(): Worker {
  return startWorkerEntry(import.meta.url, './row-files-worker.ts', './tax-rows-worker.mjs'); // see scripts/bundle-options.ts
}

/** Milliseconds between checks of a synchronous answer's port (the worker also wakes the wait). */
const SYNC_POLL_MS = 20;

/** One worker and at most one question in flight; any fault breaks it for good. */
export class RowWorker {
  private pending: { resolve: (m: FromRowWorker) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private fault: Error | null = null;
  /** The question awaiting a synchronous answer (send / receive), on a port of its own. */
  private sync: { job: number; port: MessagePort; flag: Int32Array } | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromRowWorker) => {
      const p = this.take();
      if (!p) return;
      if (m.kind === 'failed') p.reject(this.broke(new RowWorkerError(m.message)));
      else p.resolve(m);
    });
    worker.on('error', (err) => this.take()?.reject(this.broke(new RowWorkerError(err.message))));
    worker.on('exit', (code) => this.take()?.reject(this.broke(new RowWorkerError(`it exited (code ${code})`))));
    worker.unref(); // an idle worker never keeps the process alive (ref'd while a question waits)
  }

  get broken(): boolean {
    return this.fault !== null;
  }

  private broke(err: Error): Error {
    this.fault ??= err;
    return err;
  }

  private take(): RowWorker['pending'] {
    const p = this.pending;
    this.pending = null;
    if (p) clearTimeout(p.timer);
    this.worker.unref();
    return p;
  }

  ask(m: ToRowWorker): Promise<FromRowWorker> {
    if (this.fault) return Promise.reject(this.fault);
    if (this.pending || this.sync) return Promise.reject(new Error('row-file worker: a question is already in flight'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.take()?.reject(this.broke(new RowWorkerError(`no answer in ${ROW_WORKER_TIMEOUT_MS} ms`))), ROW_WORKER_TIMEOUT_MS);
      this.pending = { resolve, reject, timer };
      this.worker.ref();
      this.worker.postMessage(m);
    });
  }

  /** Sends a parse question whose answer receive() waits for without the event loop; returns its job. */
  send(m: Omit<ParseJob, 'job'> & { kind: 'parse' }): number {
    if (this.fault) throw this.fault;
    if (this.pending || this.sync) throw new Error('row-file worker: a question is already in flight');
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const job = nextRowJob();
    this.sync = { job, port: port1, flag };
    this.worker.postMessage({ ...m, job, port: port2, flag } satisfies ToRowWorker, [port2]);
    return job;
  }

  /** Gives up the synchronous question `job` without its answer (the worker's answer is then dropped). */
  abandon(job: number): void {
    const q = this.sync;
    if (!q || q.job !== job) return;
    q.port.close();
    this.sync = null;
  }

  /** Whether the worker has begun on the synchronous question `job` (it sets the flag to 1, then 2 when it answers). */
  begun(job: number): boolean {
    const q = this.sync;
    return q !== null && q.job === job && Atomics.load(q.flag, 0) !== 0;
  }

  /** Blocks this thread until the answer to `job`, at most `timeoutMs` (then the worker is broken). */
  receive(job: number, timeoutMs: number): FromRowWorker {
    const q = this.sync;
    if (!q || q.job !== job) throw new Error(`row-file worker: no question ${job} in flight`);
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        const got = receiveMessageOnPort(q.port);
        if (got) {
          const m = got.message as FromRowWorker;
          if (m.kind === 'failed') throw this.broke(new RowWorkerError(m.message));
          if (m.job !== job) throw this.broke(new RowWorkerError(`answer to job ${m.job}, not ${job}`));
          return m;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw this.broke(new RowWorkerError(`no answer in ${timeoutMs} ms`));
        Atomics.wait(q.flag, 0, Atomics.load(q.flag, 0), Math.min(left, SYNC_POLL_MS));
      }
    } finally {
      q.port.close();
      this.sync = null;
    }
  }

  /** A message with no answer (the preparation of prepareRowFiles). */
  post(m: Extract<ToRowWorker, { kind: 'prep' | 'chunk' | 'unprep' }>): void {
    if (!this.fault) this.worker.postMessage(m);
  }

  terminate(): void {
    this.broke(new RowWorkerError('it was stopped'));
    void this.worker.terminate();
  }
}

let jobs = 0;

/** A new job number (answers name the job they answer). */
export function nextRowJob(): number {
  return ++jobs;
}

/** A started worker waiting for a report (prestartRowFilesWorker), reused by the next one. */
let idle: RowWorker | null = null;

/**
 * Starts the row-file worker ahead of a large report (its start, ~0.1-0.3 s, then overlaps the
 * computation). An idle worker does not keep the process alive.
 */
export function prestartRowFilesWorker(): void {
  idle ??= new RowWorker(startRowFilesWorker());
}

export function takeRowWorker(start?: () => Worker): RowWorker {
  if (start) return new RowWorker(start());
  const w = idle && !idle.broken ? idle : new RowWorker(startRowFilesWorker());
  idle = null;
  return w;
}

export function giveBackRowWorker(w: RowWorker, own: boolean): void {
  if (own && idle === null && !w.broken) idle = w;
  else w.terminate();
}


let preps = 0;
/** Tables whose report the idle worker prepares (it then also knows the main thread's rows' bytes). */
const PREPARED = new WeakSet<RowTable>();

export function isPrepared(table: RowTable): boolean {
  return PREPARED.has(table);
}
/** A table collected before its report was built: its preparation (memory in the worker) is dropped. */
const unprepare = new FinalizationRegistry<{ w: RowWorker; prep: number }>(({ w, prep }) => w.post({ kind: 'unprep', prep }));

/**
 * While the year is computed, the idle worker (the one that helped read the CSV) sizes each full
 * chunk of rows and grows and touches the files' buffers to match, so that the memory the row
 * files are written into is already mapped when the report is built (first-touch memory is slow:
 * ~0.6 s for the ~240 MB of a wash-sale 1M year). Does nothing without an idle worker.
 */
export function prepareRowFiles(table: RowTable): void {
  const w = idle;
  if (!w || w.broken) return;
  PREPARED.add(table);
  const prep = ++preps;
  w.post({ kind: 'prep', prep, symbol: table.symbol, boxShort: table.boxShort, boxLong: table.boxLong, day: table.ev.day });
  table.onChunkFull = (k, columns) => w.post({ kind: 'chunk', prep, k, columns });
  unprepare.register(table, { w, prep });
}
