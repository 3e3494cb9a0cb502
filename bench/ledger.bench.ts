// Ledger benchmarks (issue #4): ingest 1M events vs a raw better-sqlite3 insert of the same
// rows in the same run; open a 1M-entry ledger and answer the first screen; RSS with it.
// Both files are encrypted as the app's are (same cipher and key for the baseline);
// LEDGER_BENCH_CIPHER=off measures plain files, for the cost of encryption (docs/BENCHMARKS.md).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLedger, INGEST_BATCH_MAX } from '../electron/services/ledger/index.js';
import { eventDetail } from '../electron/services/ledger/ledger.js';
import { openBaselineDb } from '../electron/services/db/open.js';
import { useWalletDbKey } from '../electron/services/db/cipher.js';
import { randomBytes } from 'node:crypto';
import { postingsFor, postingColumns, POSTING_COLUMNS, POSTING_SLOTS } from '../electron/services/ledger/mapping.js';
import { prepareWriter } from '../electron/services/ledger/writer.js';
import { generateStream } from '../test/sim/gen.js';
import type { Benchmark, BenchResult } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EVENTS = Number(process.env.LEDGER_BENCH_EVENTS ?? 1_000_000);
/** Events per ingest() call, as the sync engine hands them over (a few REST pages). */
const CALL_EVENTS = 10_000;
const ENCRYPTED = process.env.LEDGER_BENCH_CIPHER !== 'off';

type Events = ReturnType<typeof generateStream>['events'];

/** The baseline: the same rows (entries with their postings, order states), same schema and pragmas, plain single-row prepared statements, no validation/mapping/balances. */
function rawInserter(file: string): { insert(events: Events): number; close(): void } {
  const db = openBaselineDb(file);
  db.pragma('synchronous = NORMAL'); // as the ledger's ingestion fast path
  const ie = db.prepare(`INSERT INTO entries (seq, event_id, type, time, reverses, data, ${POSTING_COLUMNS}) VALUES (?, ?, ?, ?, NULL, ?${', ?'.repeat(2 * POSTING_SLOTS)})`);
  // Order events also write the latest order state (as the ledger does).
  const io = prepareWriter(db).orderOne;
  type Row = { params: unknown[]; order: unknown[] | null };
  const tx = db.transaction((batch: Row[]) => {
    for (const r of batch) {
      ie.run(r.params);
      if (r.order) io.run(r.order);
    }
  });
  return {
    /** Returns the milliseconds spent inserting (row preparation is not timed). */
    insert(events) {
      const rows = events.map((e) => ({
        params: [e.seq, e.id, e.type, e.time, eventDetail(e), ...postingColumns(postingsFor(e))],
        order: e.type === 'order' ? [e.order_id, e.client_order_id, e.status, e.side, e.order_type, e.price_usd, e.quantity, e.filled_quantity, e.reason, e.seq, e.time] : null,
      }));
      const t0 = performance.now();
      for (let i = 0; i < rows.length; i += INGEST_BATCH_MAX) tx(rows.slice(i, i + INGEST_BATCH_MAX));
      return performance.now() - t0;
    },
    close: () => db.close(),
  };
}

/**
 * The stream as the platform serves it: one JSON text per page (CALL_EVENTS events). Pages are
 * parsed one at a time right before they are ingested (untimed), as the sync engine does, so
 * only one page of event objects is alive at a time; the generator's objects are dropped.
 */
function wirePages(count: number): string[] {
  const events = generateStream({ seed: 42, count }).events;
  const pages: string[] = [];
  for (let i = 0; i < events.length; i += CALL_EVENTS) pages.push(JSON.stringify(events.slice(i, i + CALL_EVENTS)));
  return pages;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'ledger',
    *run(): Iterable<BenchResult> {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-bench-'));
      const key = ENCRYPTED ? randomBytes(32) : undefined;
      useWalletDbKey(dir, key);
      try {
        // Events as the sync engine hands them over: parsed from the platform's JSON one page
        // at a time (REST pages / WebSocket frames), not the generator's objects: those hold
        // concatenated (rope) strings that V8 flattens on every regex test (validation ~10×
        // dearer), and a million of them alive at once make every GC trace them all.
        const pages = wirePages(EVENTS);
        // Raw and ledger ingestion alternate chunk by chunk so machine noise hits both alike.
        const raw = rawInserter(path.join(dir, 'raw.db'));
        const file = path.join(dir, 'ledger.db');
        const ledger = openLedger({ path: file });
        let raw_ms = 0;
        let ingest_ms = 0;
        for (const page of pages) {
          // Each side parses its own copy, as a sync engine would hand over a fresh page.
          raw_ms += raw.insert(JSON.parse(page) as Events);
          const chunk = JSON.parse(page) as Events;
          const t0 = performance.now();
          const r = ledger.ingest(chunk);
          ingest_ms += performance.now() - t0;
          if (r.gap || r.quarantined) throw new Error(`bench stream not clean: ${JSON.stringify(r)}`);
        }
        raw.close();
        if (ledger.entryCount() !== EVENTS) throw new Error('not every event was applied');
        ledger.close();
        const rate = Math.round((EVENTS / ingest_ms) * 1000);
        const raw_rate = Math.round((EVENTS / raw_ms) * 1000);
        const ratio = Math.round((rate / raw_rate) * 1000) / 1000;
        yield { name: 'ledger.raw_insert_rate', value: raw_rate, unit: 'events/s' };
        yield { name: 'ledger.ingest_rate', value: rate, unit: 'events/s', ratio, target: '>= 100000 events/s and ratio >= 0.4', ok: rate >= 100_000 && ratio >= 0.4 };
        const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, '../test/sim/open-child.ts'), file, ...(key ? [key.toString('hex')] : [])], { encoding: 'utf8' });
        const { open_ms, rss_mb } = JSON.parse(out.trim().split('\n').pop() as string) as { open_ms: number; rss_mb: number };
        yield { name: 'ledger.open_first_screen', value: Math.round(open_ms * 10) / 10, unit: 'ms', target: '<= 300 ms', ok: open_ms <= 300 };
        yield { name: 'ledger.rss_open', value: Math.round(rss_mb), unit: 'MB', target: '<= 200 MB', ok: rss_mb <= 200 };
      } finally {
        useWalletDbKey(dir, undefined);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
