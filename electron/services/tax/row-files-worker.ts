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
import { growableSab, HEAD_RESERVE_BYTES, PREPARED_FILE_BYTES_MAX, type FromRowWorker, type GrowableSab, type Region, type ToRowWorker } from './row-worker.js';
import { rowBytes, writeRows, type RowFileBytes } from './row-writer.js';
import { CHUNK_MASK, CHUNK_ROWS, CHUNK_SHIFT, RowColumns, type RowChunkColumns } from './rows.js';

if (!parentPort) throw new Error('the row-file worker runs in a worker thread');
const port = parentPort;

/** The job being written: sized first, then written when the main thread has the buffers. */
let current: { job: number; table: RowColumns; order: Int32Array; from: number; to: number; symbol: string } | null = null;

function sink(r: Region): ByteSink {
  return new ByteSink('latin1', r.bytes, { buf: Buffer.from(r.sab), at: r.at });
}

/** Page size for touching fresh memory (one write per page maps it). */
const PAGE_BYTES = 4096;

/** The preparation of prepareRowFiles (row-worker.ts): full chunks sized, the files' buffers grown and touched to match. */
let prep: {
  id: number; symbol: string; boxShort: RowColumns['boxShort']; boxLong: RowColumns['boxLong']; day: Int32Array; chunks: RowChunkColumns[]; sabs: GrowableSab[]; rows_bytes: number[];
  /** Per chunk, each row's bytes in the three files (rowBytes' `each`): any range in any order then sums without sizing it again. */
  lens: Int32Array[];
} | null = null;
/** Row indices of one chunk (rowBytes walks an order). */
const chunkOrder = new Int32Array(CHUNK_ROWS);

function prepChunk(m: Extract<ToRowWorker, { kind: 'chunk' }>): void {
  const p = prep;
  if (!p || p.id !== m.prep || m.k !== p.chunks.length) {
    prep = null; // out of step: no preparation rather than a wrong one
    return;
  }
  p.chunks.push(m.columns);
  const table = new RowColumns({ count: p.chunks.length * CHUNK_ROWS, boxShort: p.boxShort, boxLong: p.boxLong, chunks: p.chunks, day: p.day });
  for (let i = 0; i < CHUNK_ROWS; i++) chunkOrder[i] = m.k * CHUNK_ROWS + i;
  const lens = new Int32Array(3 * CHUNK_ROWS);
  const b = rowBytes(table, chunkOrder, 0, CHUNK_ROWS, p.symbol, lens);
  p.lens.push(lens);
  const add = [b.f, b.tx, b.tt];
  for (let f = 0; f < 3; f++) {
    const sab = p.sabs[f] as GrowableSab;
    const from = sab.byteLength, to = HEAD_RESERVE_BYTES + (p.rows_bytes[f] as number) + (add[f] as number);
    if (to > PREPARED_FILE_BYTES_MAX) {
      prep = null;
      return;
    }
    sab.grow(to);
    const view = new Uint8Array(sab, from, to - from);
    for (let i = (PAGE_BYTES - (from % PAGE_BYTES)) % PAGE_BYTES; i < view.length; i += PAGE_BYTES) view[i] = 0;
    p.rows_bytes[f] = (p.rows_bytes[f] as number) + (add[f] as number);
  }
}

/**
 * The bytes of rows order[0, split) (the main thread's) and order[split, n) (this worker's), from
 * the preparation's per-row lengths (the last, partial chunk sized now), or null when the
 * preparation does not cover the table. Why: the main thread sized its own third of the rows
 * (~0.1 s at a wash-sale 1M year) and this worker its two thirds (~0.25 s) while the other waited;
 * summing known lengths takes milliseconds.
 */
function preparedSizes(p: NonNullable<typeof prep>, table: RowColumns, order: Int32Array, split: number, symbol: string): { mine: RowFileBytes; theirs: RowFileBytes } | null {
  const full = Math.floor(table.count / CHUNK_ROWS);
  if (p.chunks.length !== full || p.lens.length !== full || p.symbol !== symbol || p.boxShort !== table.boxShort || p.boxLong !== table.boxLong) return null;
  const rest = new Int32Array(table.count - full * CHUNK_ROWS);
  for (let i = 0; i < rest.length; i++) rest[i] = full * CHUNK_ROWS + i;
  const lens = [...p.lens, new Int32Array(3 * Math.max(1, rest.length))];
  const last = rowBytes(table, rest, 0, rest.length, symbol, lens[full]);
  const total = { f: (p.rows_bytes[0] as number) + last.f, tx: (p.rows_bytes[1] as number) + last.tx, tt: (p.rows_bytes[2] as number) + last.tt };
  let f = 0, tx = 0, tt = 0;
  for (let k = 0; k < split; k++) {
    const i = order[k] as number;
    const l = lens[i >>> CHUNK_SHIFT] as Int32Array, at = 3 * (i & CHUNK_MASK);
    f += l[at] as number;
    tx += l[at + 1] as number;
    tt += l[at + 2] as number;
  }
  return { mine: { f, tx, tt }, theirs: { f: total.f - f, tx: total.tx - tx, tt: total.tt - tt } };
}

function handle(m: Extract<ToRowWorker, { kind: 'size' | 'write' }>): FromRowWorker {
  if (m.kind === 'size') {
    if (!(m.from >= 0 && m.from <= m.to && m.to <= m.order.length && m.order.length === m.data.count)) {
      throw new Error(`row range [${m.from}, ${m.to}) of ${m.order.length} rows (table of ${m.data.count})`);
    }
    current = { job: m.job, table: new RowColumns(m.data), order: m.order, from: m.from, to: m.to, symbol: m.symbol };
    const p = prep;
    prep = null;
    const known = p && m.to === m.order.length ? preparedSizes(p, current.table, m.order, m.from, m.symbol) : null;
    if (known) return { kind: 'sized', job: m.job, bytes: known.theirs, mine: known.mine, prepared: p ? p.sabs : null };
    return { kind: 'sized', job: m.job, bytes: rowBytes(current.table, m.order, m.from, m.to, m.symbol), mine: null, prepared: p ? p.sabs : null };
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
  if (m.kind === 'prep') {
    const sabs = [0, 1, 2].map(() => growableSab(HEAD_RESERVE_BYTES, PREPARED_FILE_BYTES_MAX));
    prep = { id: m.prep, symbol: m.symbol, boxShort: m.boxShort, boxLong: m.boxLong, day: m.day, chunks: [], sabs, rows_bytes: [0, 0, 0], lens: [] };
    return;
  }
  if (m.kind === 'chunk') {
    try {
      prepChunk(m);
    } catch {
      prep = null; // only a head start: the report sizes and allocates without it
    }
    return;
  }
  if (m.kind === 'unprep') {
    if (prep?.id === m.prep) prep = null;
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
