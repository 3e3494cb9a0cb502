// A large CSV read on two threads (csv-split.ts) must give the events one thread gives, and the
// same first error wherever it is (either part, a duplicate id across the parts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticYear, toCsv } from '../../bench/tax-gen.js';
import { collectCsvSplit, countLineFeeds, readFileShared, shared, sharedUtf8, splitCounts, utf8Text } from '../../electron/services/tax/csv-split.js';
import { forEachCsvTransaction, readCsv } from '../../electron/services/tax/csv.js';
import { makeDayOf } from '../../electron/services/tax/dates.js';
import { parseSettings } from '../../electron/services/tax/engine.js';
import { EventCollector, type EvStore } from '../../electron/services/tax/prepare.js';
import { startRowFilesWorker } from '../../electron/services/tax/row-worker.js';

const s = parseSettings({ year: 2025, wash_sale: true });
const dayOf = makeDayOf('UTC');
const started: Worker[] = [];
/** A worker that has started (answers a question), so the split does not skip it as not begun. */
async function booted(): Promise<Worker> {
  const w = startRowFilesWorker();
  started.push(w);
  await new Promise((resolve) => {
    w.once('message', resolve);
    w.postMessage({ kind: 'write', job: -1 }); // answered with a failure: not sized
  });
  return w;
}
afterAll(async () => {
  await Promise.all(started.map((w) => w.terminate()));
});

function oneThread(text: string): EvStore {
  const c = new EventCollector(s, dayOf, 16);
  forEachCsvTransaction(text, (tx) => c.add(tx));
  return c.finish();
}

function twoThreads(text: string, w: Worker, mainShare = 0.3, waitForWorker = true, slices = 16): EvStore {
  const { ev, lines } = collectCsvSplit(sharedUtf8(text), s, dayOf, { linesMin: 10, start: () => w, mainShare, waitForWorker, slices });
  expect(lines).toBe(text.split('\n').length);
  if (!ev) throw new Error('not split');
  return ev;
}

function plain(ev: EvStore): unknown {
  const n = ev.n;
  return {
    n, id: ev.id.slice(0, n), row: [...ev.row.subarray(0, n)], type: [...ev.type.subarray(0, n)], ms: [...ev.ms.subarray(0, n)], day: [...ev.day.subarray(0, n)],
    qty: [...ev.qty.subarray(0, n)], cents: [...ev.cents.subarray(0, n)], income: [...ev.income.subarray(0, n)], price: [...ev.price], lots: [...ev.lots], picks: [...ev.picks],
  };
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

const lines = toCsv(syntheticYear(3000)).split('\n');
const csv = (edit: (ls: string[]) => void = () => undefined): string => {
  const ls = [...lines];
  edit(ls);
  return ls.join('\n');
};

describe('a CSV read on two threads', () => {
  it('gives the same events as one thread at any split, CRLF and out-of-order times too', async () => {
    const before = splitCounts.worker_parts;
    const texts = [
      csv(), csv().replace(/\n/g, '\r\n'), csv((ls) => ls.splice(2500, 0, 'late,2024-01-01T00:00:00Z,buy,1,1,0,')),
      // A byte-order mark, and ids of two-, three- and four-byte characters all through the file (each thread decodes its own part).
      '\ufeff' + csv((ls) => { for (let i = 1; i < ls.length; i += 3) ls[i] = ls[i]!.replace(/^t/, 'é€😀t'); }),
    ];
    for (const text of texts) {
      const want = plain(oneThread(text));
      for (const [share, slices] of [[0, 1], [0, 16], [0.3, 16], [0.5, 3], [0.9, 40]] as const) {
        const w = await booted();
        expect(plain(twoThreads(text, w, share, true, slices)), `share ${share}, ${slices} slices`).toEqual(want);
      }
    }
    // The worker took slices in some of these (it claims from the back as soon as it begins).
    expect(splitCounts.worker_parts).toBeGreaterThan(before);
  }, 60_000);

  it('raises the first error in file order, wherever it is', async () => {
    const cases: [string, (ls: string[]) => void][] = [
      ['error in the first part', (ls) => { ls[100] = 't100,not-a-time,buy,1,1,0,'; }],
      ['error in the second part', (ls) => { ls[2900] = 't2900,2025-12-01T00:00:00Z,buy,-1,1,0,'; }],
      ['errors in both parts', (ls) => { ls[100] = 't100,2025-01-01T00:00:00Z,bogus,1,1,0,'; ls[2900] = 't2900,x,buy,1,1,0,'; }],
      ['duplicate across the parts', (ls) => { ls[2800] = ls[2800]!.replace(/^t2799,/, 't5,'); }],
      ['duplicate across the parts before an error there', (ls) => { ls[2700] = ls[2700]!.replace(/^t2699,/, 't5,'); ls[2900] = 't2900,x,buy,1,1,0,'; }],
      ['error in the second part before a duplicate', (ls) => { ls[2700] = 't2699,x,buy,1,1,0,'; ls[2900] = ls[2900]!.replace(/^t2899,/, 't5,'); }],
      ['duplicate within the second part', (ls) => { ls[2900] = ls[2900]!.replace(/^t2899,/, 't2800,'); }],
      ['a row with too few fields', (ls) => { ls[2950] = 't2949,2025-12-01T00:00:00Z,buy'; }],
    ];
    for (const [name, edit] of cases) {
      const text = csv(edit);
      const want = errorOf(() => oneThread(text));
      expect(want, name).not.toBe('no error');
      for (const [share, slices] of [[0, 1], [0.3, 16], [0.5, 40]] as const) {
        const w = await booted();
        expect(errorOf(() => twoThreads(text, w, share, true, slices)), `${name}, share ${share}, ${slices} slices`).toBe(want);
      }
    }
  }, 120_000);

  it('parses the worker\'s part itself when the worker fails, with the same result', () => {
    const text = csv();
    const want = plain(oneThread(text));
    const broken = (): Worker => {
      const w = new Worker('throw new Error("no worker today")', { eval: true });
      started.push(w);
      return w;
    };
    const before = splitCounts.worker_parts;
    expect(plain(twoThreads(text, broken(), 0.3, false))).toEqual(want);
    expect(splitCounts.worker_parts).toBe(before);
  }, 60_000);

  it('counts line feeds in a range of bytes, and shares bytes and text without changing a character', () => {
    const text = 'a\nbc\n\nd\r\né€😀\n';
    const bytes = sharedUtf8(text);
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(countLineFeeds(Buffer.from(bytes.buffer), 0, bytes.length)).toBe(5);
    expect(countLineFeeds(Buffer.from(bytes.buffer), 2, 6)).toBe(2);
    expect(utf8Text(bytes)).toBe(text);
    const plainBytes = new TextEncoder().encode(text);
    expect(shared(plainBytes).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared(bytes)).toBe(bytes);
    // Invalid UTF-8 reads as U+FFFD, as reading the whole file as UTF-8 does.
    expect(utf8Text(shared(Uint8Array.from([0x61, 0xff, 0x0a])))).toBe('a\ufffd\n');
  });

  it('reads a file into shared memory, and refuses one larger than the limit without reading it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'csv-split-'));
    try {
      const file = path.join(dir, 't.csv');
      writeFileSync(file, 'id,time\né,1\n');
      const got = await readFileShared(file);
      expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(utf8Text(got)).toBe('id,time\né,1\n');
      await expect(readFileShared(file, 5)).rejects.toThrow(/larger than 5 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not split a small file, a file with quotes, or one without a header line, and says how many lines it has', () => {
    const small = csv().split('\n').slice(0, 5).join('\n');
    expect(collectCsvSplit(sharedUtf8(small), s, dayOf, { linesMin: 10 })).toEqual({ ev: null, lines: 5 });
    const quoted = csv((ls) => { ls[10] = ls[10]!.replace(/^t9,/, '"t9",'); });
    expect(quoted).toContain('"t9"');
    expect(collectCsvSplit(sharedUtf8(quoted), s, dayOf, { linesMin: 10 })).toEqual({ ev: null, lines: quoted.split('\n').length });
    expect(collectCsvSplit(sharedUtf8('id,time,type,quantity,price'), s, dayOf, { linesMin: 1 })).toEqual({ ev: null, lines: 1 });
    expect(() => collectCsvSplit(new TextEncoder().encode(small), s, dayOf)).toThrow(TypeError);
  });

  it('readCsv gives each record its own fields unless asked to reuse one array (forEachCsvTransaction does)', () => {
    const kept: string[][] = [];
    readCsv('a,b\n1,2\n3,4\n', (r) => kept.push(r.fields));
    expect(kept).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
    const reused: string[][] = [];
    readCsv('a,b\n1,2\n3,4\n', (r) => reused.push(r.fields), true);
    expect(reused[0]).toBe(reused[2]);
  });
});
