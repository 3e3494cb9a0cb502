// The per-row files written by two threads (row-files.ts and its worker) must be the bytes one
// thread writes, whatever the split; a worker that fails fails the report with a clear error.
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticYear, toCsv } from '../../bench/tax-gen.js';
import { forEachCsvTransaction } from '../../electron/services/tax/csv.js';
import { makeDayOf } from '../../electron/services/tax/dates.js';
import { computeFromEvents, computeTaxYearFromCsv, parseSettings, rowTableOf } from '../../electron/services/tax/engine.js';
import { beginRowFilesParallel, rowFileCounts } from '../../electron/services/tax/row-files.js';
import { rowFiles, tableFormOrder } from '../../electron/services/tax/writers.js';
import { EventCollector } from '../../electron/services/tax/prepare.js';
import { buildReportFiles } from '../../electron/services/tax/report.js';
import { HEAD_RESERVE_BYTES, prestartRowFilesWorker, RowWorkerError, startRowFilesWorker } from '../../electron/services/tax/row-worker.js';

const meta = { data_as_of: 'synthetic (é)', generated_at: '2026-01-02T03:04:05Z' };
const csv = toCsv(syntheticYear(6000));
const started: Worker[] = [];
const track = (w: Worker): Worker => {
  started.push(w);
  return w;
};
afterAll(async () => {
  await Promise.all(started.map((w) => w.terminate()));
});

describe('two-thread row files', () => {
  it('gives the same seven files as one thread, wash sales on and off, at any split', async () => {
    for (const [wash_sale, box_short, box_long] of [[true, 'C', 'F'], [false, 'I', 'L']] as const) {
      const r = computeTaxYearFromCsv(csv, { year: 2025, wash_sale, box_short, box_long });
      expect(r.row_count).toBeGreaterThan(1000);
      const one = await buildReportFiles(r, meta, { threads: 'one' });
      for (const mainShare of [0, 0.01, 0.42, 0.999, 1]) {
        const two = await buildReportFiles(r, meta, { threads: 'two', parallel: { mainShare, start: () => track(startRowFilesWorker()) } });
        expect(two.map((f) => f.name)).toEqual(one.map((f) => f.name));
        for (const [i, f] of two.entries()) expect(Buffer.from(f.content).equals(Buffer.from(one[i]!.content)), `${f.name} at share ${mainShare}`).toBe(true);
      }
      // The shared worker (kept idle between reports) gives the same bytes twice in a row.
      for (let k = 0; k < 2; k++) {
        const two = await buildReportFiles(r, meta, { threads: 'two' });
        for (const [i, f] of two.entries()) expect(Buffer.from(f.content).equals(Buffer.from(one[i]!.content)), f.name).toBe(true);
      }
    }
  }, 60_000);

  it('fails with a RowWorkerError, and no files, when the worker throws, exits, or answers with a failure', async () => {
    const r = computeTaxYearFromCsv(csv, { year: 2025, wash_sale: true });
    const faults: [string, RegExp][] = [
      ['throw new Error("boom at start")', /row-file worker failed: boom at start/],
      ['process.exit(3)', /row-file worker failed: it exited \(code 3\)/],
      // A worker that answers the size question with a failure (as the real one does when it throws).
      [`require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage({ kind: 'failed', job: m.job, message: 'disk on fire' }))`,
        /row-file worker failed: disk on fire/],
      // Sizes that do not match what it then writes: the main thread's check refuses the file.
      [`const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m.kind === 'size'
          ? { kind: 'sized', job: m.job, bytes: { f: 1, tx: 1, tt: 1 } } : { kind: 'written', job: m.job, bad_row: -1 }))`, /does not end with its last row/],
    ];
    for (const [code, message] of faults) {
      const p = buildReportFiles(r, meta, { threads: 'two', parallel: { start: () => track(new Worker(code, { eval: true })) } });
      await expect(p, code).rejects.toThrow(message);
      await expect(p).rejects.toBeInstanceOf(RowWorkerError);
    }
  }, 60_000);
});

describe('form order', () => {
  it('puts every short-term row before every long-term one, each in the order added, across chunks', () => {
    const r = computeTaxYearFromCsv(toCsv(syntheticYear(100_000)), { year: 2025, wash_sale: true });
    const table = rowTableOf(r)!;
    expect(table.count).toBeGreaterThan(2 * 65_536);
    const all = Array.from({ length: table.count }, (_, i) => i);
    const want = [...all.filter((i) => !table.isLong(i)), ...all.filter((i) => table.isLong(i))];
    expect(table.longCount).toBe(all.filter((i) => table.isLong(i)).length);
    expect(table.longCount).toBeGreaterThan(0);
    expect(table.longCount).toBeLessThan(table.count);
    expect([...tableFormOrder(table)]).toEqual(want);
  }, 60_000);
});

describe('row files prepared while the year is computed', () => {
  it('gives the same bytes from the prepared buffers, and without them when a header does not fit their room', async () => {
    const big = toCsv(syntheticYear(100_000)); // wash sales on: more than two full chunks of 65,536 rows
    const settings = parseSettings({ year: 2025, wash_sale: true });
    const one = computeTaxYearFromCsv(big, { year: 2025, wash_sale: true });
    for (const [data_as_of, mainShare] of [['prepared', undefined], ['prepared', 0], ['prepared', 1], ['x'.repeat(HEAD_RESERVE_BYTES), undefined]] as const) {
      const m = { ...meta, data_as_of };
      const want = rowFiles(one, m);
      prestartRowFilesWorker(); // the idle worker prepareRowFiles uses
      const c = new EventCollector(settings, makeDayOf('UTC'), 16);
      forEachCsvTransaction(big, (tx) => c.add(tx));
      const r = computeFromEvents(c.finish(), settings, { prepareReport: true });
      expect(r.row_count).toBeGreaterThan(2 * 65_536);
      const before = { ...rowFileCounts };
      const got = await (await beginRowFilesParallel(r, m, rowTableOf(r)!, mainShare === undefined ? {} : { mainShare })).finish();
      expect(rowFileCounts.prepared, data_as_of.slice(0, 10)).toBe(before.prepared + (data_as_of === 'prepared' ? 1 : 0));
      // Both ranges were sized from the per-row lengths the worker kept while preparing.
      expect(rowFileCounts.sized_from_prep).toBe(before.sized_from_prep + 1);
      for (const k of ['form8949', 'txf', 'turbotax'] as const) expect(got[k].equals(want[k]), `${k} (${data_as_of.length}, share ${mainShare})`).toBe(true);
    }
  }, 120_000);
});
