// The main thread's end of the tax worker: starts it (the .ts entry under tsx, the bundled
// tax-worker.mjs next to the main bundle), sends it messages, and matches answers to questions.
// A worker that dies is started again (it rebuilds from the ledger file); questions in flight fail.
import type { Worker } from 'node:worker_threads';
import { startWorkerEntry } from './worker-start.js';
import type { Answer, FromWorker, Question, ToWorker, ViewAnswer } from './worker-protocol.js';

/** A question unanswered this long fails (a million-transaction rebuild ahead of it takes seconds). */
const ANSWER_TIMEOUT_MS = 120_000;
/** A worker that keeps failing is started again at most this many times (then calls fail at once). */
const RESTARTS_MAX = 3;

export class TaxWorkerError extends Error {
  constructor(readonly code: 'tax_input' | 'internal', message: string) {
    super(message);
    this.name = 'TaxWorkerError';
  }
}

/**
 * Starts the worker for this file's location: the bundled tax-worker.mjs next to the main bundle,
 * or, running from source, worker.ts with tsx registered in the worker first (under tsx or
 * vitest alike: a worker thread does not inherit the parent's module hooks).
 */
export function startTaxWorker(here = import.meta.url): Worker {
  return startWorkerEntry(here, './worker.ts', './tax-worker.mjs'); // see scripts/bundle-options.ts
}

export class TaxWorkerClient {
  private worker: Worker | null = null;
  private next_id = 1;
  private readonly waiting = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** Replayed to a restarted worker (configure carries the latest settings). */
  private configure: Extract<ToWorker, { kind: 'configure' }> | null = null;
  private closed = false;
  private restarts = 0;

  constructor(private readonly onChanged: (as_of_seq: number, view?: ViewAnswer) => void, private readonly onFault: (err: Error) => void = () => undefined) {}

  private start(): Worker {
    const w = startTaxWorker();
    w.on('message', (m: FromWorker) => this.receive(m));
    w.on('error', (err) => {
      this.onFault(err);
      this.fail(new TaxWorkerError('internal', `the tax worker stopped: ${err.message}`));
      this.worker = null;
      if (!this.closed && this.configure && this.restarts++ < RESTARTS_MAX) this.send(this.configure);
    });
    w.unref(); // kept alive only while a question waits (holdAlive)
    return w;
  }

  private holdAlive(): void {
    if (this.waiting.size > 0) this.worker?.ref();
    else this.worker?.unref();
  }

  send(m: ToWorker): void {
    if (this.closed) return;
    if (this.restarts > RESTARTS_MAX) throw new TaxWorkerError('internal', 'the tax worker failed repeatedly; restart the wallet');
    if (m.kind === 'configure') this.configure = m;
    if (m.kind === 'settings' && this.configure) this.configure = { ...this.configure, settings: m.settings };
    this.worker ??= this.start();
    this.worker.postMessage(m);
  }

  ask<A extends Answer>(q: Question): Promise<A> {
    const id = this.next_id++;
    return new Promise<A>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.holdAlive();
        reject(new TaxWorkerError('internal', `the tax worker did not answer in ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      timer.unref();
      this.waiting.set(id, { resolve: resolve as (a: Answer) => void, reject, timer });
      this.send({ kind: 'ask', id, q });
      this.holdAlive();
    });
  }

  private receive(m: FromWorker): void {
    if (m.kind === 'changed') {
      this.onChanged(m.as_of_seq, m.view);
      return;
    }
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    this.holdAlive();
    clearTimeout(w.timer);
    if (m.ok) w.resolve(m.value);
    else w.reject(new TaxWorkerError(m.code, m.message));
  }

  private fail(err: Error): void {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fail(new TaxWorkerError('internal', 'the tax service is closed'));
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
