// The row-file worker's main-thread end (row-files-worker.ts is the worker): its messages, one
// worker kept idle between reports (prestartRowFilesWorker starts it while the year is being
// computed), and one question at a time with a timeout. A worker that fails in any way is
// stopped and never reused; the question fails with a RowWorkerError.
import type { Worker } from 'node:worker_threads';
import type { RowFileBytes } from './row-writer.js';
import type { RowTableData } from './rows.js';
import { startWorkerEntry } from './worker-start.js';

/** A worker that has not answered in this long fails the report (writing 1.4 M rows takes ~1 s). */
export const ROW_WORKER_TIMEOUT_MS = 120_000;

/** A region of a file's shared buffer: `bytes` bytes from offset `at`. */
export interface Region {
  sab: SharedArrayBuffer;
  at: number;
  bytes: number;
}

export type ToRowWorker =
  | { kind: 'size'; job: number; data: RowTableData; order: Int32Array; from: number; to: number; symbol: string }
  | { kind: 'write'; job: number; f: Region; tx: Region; tt: Region };

export type FromRowWorker =
  | { kind: 'sized'; job: number; bytes: RowFileBytes }
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

/** One worker and at most one question in flight; any fault breaks it for good. */
export class RowWorker {
  private pending: { resolve: (m: FromRowWorker) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private fault: Error | null = null;

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
    if (this.pending) return Promise.reject(new Error('row-file worker: a question is already in flight'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.take()?.reject(this.broke(new RowWorkerError(`no answer in ${ROW_WORKER_TIMEOUT_MS} ms`))), ROW_WORKER_TIMEOUT_MS);
      this.pending = { resolve, reject, timer };
      this.worker.ref();
      this.worker.postMessage(m);
    });
  }

  terminate(): void {
    this.broke(new RowWorkerError('it was stopped'));
    void this.worker.terminate();
  }
}

/** A started worker waiting for a report (prestartRowFilesWorker), reused by the next one. */
let idle: RowWorker | null = null;
let jobs = 0;

/** A new job number (answers name the job they answer). */
export function nextRowJob(): number {
  return ++jobs;
}

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

