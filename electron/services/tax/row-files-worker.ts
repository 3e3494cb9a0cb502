// The row-file worker (node:worker_threads), the report's helper thread: parses slices of a large
// transactions CSV while the main thread parses the rest (csv-split.ts), then writes a
// range of the per-row files' rows (Form 8949 CSV, TXF, TurboTax CSV) while the main thread
// writes the rest, the PDF and the manifest (row-files.ts). It reads the row table's columns from SharedArrayBuffers and writes into the
// shared file buffers at the offsets the main thread gives it: no copies either way.
//
// Entry points: this file under tsx (development, tests, benchmarks), tax-rows-worker.mjs next
// to the bundle when built (scripts/build-main.ts). row-files.ts starts the one next to it.
import { parentPort } from 'node:worker_threads';
import { ByteSink } from './bytes.js';
import { parseClaimed, partsTransfer } from './csv-split.js';
import type { FromRowWorker, Region, ToRowWorker } from './row-worker.js';
import { rowBytes, writeRows } from './row-writer.js';
import { RowColumns } from './rows.js';

if (!parentPort) throw new Error('the row-file worker runs in a worker thread');
const port = parentPort;

/** The job being written: sized first, then written when the main thread has the buffers. */
let current: { job: number; table: RowColumns; order: Int32Array; from: number; to: number; symbol: string } | null = null;

function sink(r: Region): ByteSink {
  return new ByteSink('latin1', r.bytes, { buf: Buffer.from(r.sab), at: r.at });
}

function handle(m: Exclude<ToRowWorker, { kind: 'parse' }>): FromRowWorker {
  if (m.kind === 'size') {
    if (!(m.from >= 0 && m.from <= m.to && m.to <= m.order.length && m.order.length === m.data.count)) {
      throw new Error(`row range [${m.from}, ${m.to}) of ${m.order.length} rows (table of ${m.data.count})`);
    }
    current = { job: m.job, table: new RowColumns(m.data), order: m.order, from: m.from, to: m.to, symbol: m.symbol };
    return { kind: 'sized', job: m.job, bytes: rowBytes(current.table, m.order, m.from, m.to, m.symbol) };
  }
  const c = current;
  if (!c || c.job !== m.job) throw new Error(`write for job ${m.job} before it was sized`);
  current = null;
  const f = sink(m.f), tx = sink(m.tx), tt = sink(m.tt);
  const bad = writeRows(c.table, c.order, c.from, c.to, c.symbol, f, tx, tt);
  if (bad < 0) {
    // Each checks that its region got exactly the bytes counted for it.
    f.buffer();
    tx.buffer();
    tt.buffer();
  }
  return { kind: 'written', job: m.job, bad_row: bad };
}

/** A parse answer goes on the question's own port, and the flag wakes the main thread's Atomics.wait. */
function parse(m: Extract<ToRowWorker, { kind: 'parse' }>): void {
  Atomics.store(m.flag, 0, 1); // begun: the main thread waits for the answer rather than parsing the part itself
  try {
    const { port: _port, flag: _flag, kind: _kind, ...job } = m;
    const parts = parseClaimed(job);
    m.port.postMessage({ kind: 'parsed', job: m.job, parts } satisfies FromRowWorker, partsTransfer(parts));
  } catch (err) {
    m.port.postMessage({ kind: 'failed', job: m.job, message: err instanceof Error ? err.message : String(err) } satisfies FromRowWorker);
  } finally {
    m.port.close();
    Atomics.store(m.flag, 0, 2);
    Atomics.notify(m.flag, 0);
  }
}

port.on('message', (m: ToRowWorker) => {
  if (m.kind === 'parse') {
    parse(m);
    return;
  }
  let out: FromRowWorker;
  try {
    out = handle(m);
  } catch (err) {
    out = { kind: 'failed', job: m.job, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(out);
});
