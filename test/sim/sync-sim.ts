// Sync engine simulation: the real engine and a real ledger against a simulated platform
// that misbehaves at seeded random points (transient errors and timeouts, invalid pages,
// duplicated/reordered/truncated pages, stream closes, duplicate and out-of-order live
// events). Every fault is transient, so the engine must end exactly in sync: cursor at the
// last seq, balances equal to the independent model, nothing quarantined, no mismatch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import type { Balances } from '../../shared/platform/events.js';
import { openLedger } from '../../electron/services/ledger/index.js';
import { createSyncEngine, type SyncClient, type SyncStream } from '../../electron/services/sync/index.js';
import { generateStream, modelBalances, rng } from './gen.js';

class SimError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export async function runSyncSimulation(seed: number): Promise<void> {
  const r = rng(seed ^ 0x51c);
  const count = 20 + Math.floor(r() * 400);
  const { events, model } = generateStream({ seed, count });
  const fault = (p: number) => r() < p;
  let calls = 0;
  const client: SyncClient = {
    async getEvents({ after, limit = 1000 }) {
      calls += 1;
      await new Promise((res) => setTimeout(res, 0));
      if (fault(0.1)) throw new SimError('server_error', 'HTTP 503');
      if (fault(0.05)) throw new SimError('timeout', 'no answer');
      if (fault(0.05)) throw new SimError('invalid_response', 'response does not match the schema');
      let page: unknown[] = events.slice(after, after + Math.min(limit, 1 + Math.floor(r() * 300)));
      if (fault(0.15) && page.length > 2) page = [...page.slice(1), page[0]]; // reordered
      if (fault(0.15)) page = [...page, ...page.slice(0, 2)]; // duplicated
      if (fault(0.1) && page.length > 3) page = page.filter((_, i) => i !== 1); // transient gap
      return { events: page, last_seq: count };
    },
    async getBalances(): Promise<Balances> {
      if (fault(0.1)) throw new SimError('server_error', 'HTTP 500');
      const b = modelBalances(model);
      return {
        usd: { total: b.usd, available: b.usd, reserved: '0' },
        token: { total: b.token, available: b.token, reserved: '0' },
        credits: { period_id: null, available: b.credits },
        as_of_seq: count,
      };
    },
    getCandles: async () => ({ candles: [] }),
    getTrades: async () => ({ trades: [] }),
  };
  const stream_factory = (): SyncStream => {
    const em = new EventEmitter();
    let timer: NodeJS.Timeout | null = null;
    const s = {
      on: (name: string, l: (...a: never[]) => void) => em.on(name, l as (...a: unknown[]) => void),
      async connect() {
        if (fault(0.2)) throw new SimError('network_error', 'connect refused');
        timer = setInterval(() => {
          if (fault(0.05)) {
            if (timer) clearInterval(timer);
            em.emit('close', { code: 1006, reason: 'sim drop' });
            return;
          }
          if (fault(0.3)) em.emit('event', events[Math.floor(r() * count)]); // a stale duplicate
          em.emit('heartbeat', { last_seq: count });
        }, 5);
        return { last_seq: count };
      },
      async close() {
        if (timer) clearInterval(timer);
      },
    };
    return s as unknown as SyncStream;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `syncsim-${seed}-`));
  const ledger = openLedger({ path: path.join(dir, 'ledger.db') });
  const engine = createSyncEngine({
    ledger,
    client,
    stream_factory,
    page_limit: 1 + Math.floor(r() * 200),
    backoff_initial_ms: 1,
    backoff_max_ms: 5,
    heartbeat_timeout_ms: 200,
    gap_refetch_max: 1000, // faults are transient: a gap must never be given up on
    invalid_retry_max: 1000,
    random: r,
  });
  try {
    engine.start();
    await engine.whenSynced(20_000);
    const b = ledger.walletBalances();
    const want = modelBalances(model);
    const report = ledger.verify();
    const problems: string[] = [];
    if (b.cursor_seq !== count || b.entry_count !== count) problems.push(`cursor ${b.cursor_seq}, entries ${b.entry_count}, want ${count}`);
    if (b.usd !== want.usd || b.token !== want.token || b.credits !== want.credits) problems.push(`balances ${JSON.stringify(b)} != ${JSON.stringify(want)}`);
    if (!report.ok) problems.push(`verify: ${JSON.stringify(report.problems)}`);
    if (report.quarantined !== 0) problems.push(`quarantined ${report.quarantined}: ${JSON.stringify(ledger.quarantined(3))}`);
    if (engine.mismatches().length !== 0) problems.push(`mismatches ${JSON.stringify(engine.mismatches())}`);
    if (problems.length > 0) throw new Error(`after ${calls} page calls: ${problems.join('; ')}`);
  } finally {
    await engine.stop();
    ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
