// Platform benchmarks (issue 3 targets on a 2-core machine):
//   matching engine in process     >= 50,000 orders/s
//   signed order round trips HTTP  >= 3,000 /s over loopback (keep-alive, concurrency 16)
//   event catch-up                 >= 50,000 events/s over loopback (signed GET /v1/events, zod-validated)
// Also reported without a target: the full core (matching + SQLite persistence + events) in process.
// The HTTP and catch-up benchmarks run again on PostgreSQL (issue 14 targets: >= 2,000 signed
// order round trips/s, >= 50,000 events/s), on a throwaway cluster with fsync on, in the same
// run: `_postgres` names. Catch-up is measured from the writer and from a reader process's
// feed, which reads PostgreSQL itself. Without PostgreSQL they fail with the reason.
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Benchmark, BenchResult } from './types.js';
import { OrderBook, type Side } from '../platform/core/book.js';
import { PlatformCore } from '../platform/core/core.js';
import { startPlatform, type RunningPlatform } from '../platform/index.js';
import { startReader } from '../platform/http/reader.js';
import { findPgBin, startPgCluster } from '../test/support/pg-cluster.js';
import { Rng } from '../platform/sim/random.js';
import { PlatformClient } from '../electron/services/platform-client/index.js';

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

function result(name: string, value: number, unit: string, target?: number): BenchResult {
  return { name, value, unit, ...(target === undefined ? {} : { target: `>= ${target} ${unit}`, ok: value >= target }) };
}

/** A seeded stream: prices around a mid that wanders, ~40% of orders crossing. */
function orderStream(n: number, seed: number) {
  const rng = new Rng(seed);
  const out: { side: Side; price: number; lots: number; account: string }[] = [];
  let mid = 200;
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.01)) mid = Math.max(50, mid + rng.int(-2, 2));
    const side: Side = rng.chance(0.5) ? 'buy' : 'sell';
    const off = rng.int(-3, 12);
    out.push({ side, price: side === 'buy' ? mid - off : mid + off, lots: rng.int(1, 500), account: `a${rng.int(0, 49)}` });
  }
  return out;
}

const matching: Benchmark = {
  name: 'platform.matching',
  *run() {
    const N = 300_000;
    const stream = orderStream(N, 7);
    const run = () => {
      const book = new OrderBook();
      const t0 = performance.now();
      let num = 0;
      let fills = 0;
      for (const o of stream) {
        const m = book.match(o.side, o.price, o.lots, o.account);
        fills += m.fills.length;
        if (m.remaining > 0 && !m.self_trade) book.add({ num: ++num, account: o.account, side: o.side, price: o.price, remaining: m.remaining, live: true });
        // Cancel now and then so the book stays a realistic size.
        if (num % 3 === 0 && book.byNum.size > 5000) book.cancel(book.byNum.keys().next().value!);
        book.drainChanges();
      }
      return { ms: performance.now() - t0, fills };
    };
    run(); // warm-up
    const r = run();
    yield result('platform.matching_engine_orders_per_s', rate(N, r.ms), 'orders/s', 50_000);
  },
};

const coreInProcess: Benchmark = {
  name: 'platform.core',
  *run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'platform-bench-'));
    const core = new PlatformCore({ db_path: path.join(dir, 'p.db') });
    try {
      const accts: string[] = [];
      for (let i = 0; i < 20; i++) {
        const { account_id } = core.createAccount({ start_ms: Date.now() - core.config.period_ms });
        core.deposit(account_id, '1000000');
        accts.push(account_id);
      }
      core.tick();
      const N = 20_000;
      const stream = orderStream(N, 11);
      const t0 = performance.now();
      let i = 0;
      for (const o of stream) {
        const a = accts[i % accts.length]!;
        try {
          core.placeOrder(a, {
            client_order_id: `c${i++}`,
            side: o.side,
            type: 'limit',
            price: (o.price / 10_000).toFixed(4),
            quantity: (o.lots / 100).toFixed(2),
            time_in_force: i % 4 === 0 ? 'IOC' : 'GTC',
          });
        } catch {
          /* refusals (funds) count as processed orders too */
        }
      }
      yield result('platform.core_orders_per_s_with_sqlite', rate(N, performance.now() - t0), 'orders/s');
    } finally {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

// The load generator runs in a worker thread (plain JS, node:http + node:crypto only), as
// the wallet is another process: the server keeps the main thread to itself.
const LOADGEN_JS = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHmac } = require('node:crypto');
const { url, creds, orders, concurrency, prefix } = workerData;
const u = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function post(body, cred) {
  return new Promise((resolve, reject) => {
    const ts = Date.now();
    const sig = createHmac('sha256', cred.secret).update(ts + '\\nPOST\\n/v1/orders\\n' + body).digest('hex');
    const req = http.request({ host: u.hostname, port: u.port, path: '/v1/orders', method: 'POST', agent, headers: {
      'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
      'x-api-key': cred.key_id, 'x-timestamp': String(ts), 'x-signature': sig } }, (res) => {
      res.resume(); res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  let next = 0, bad = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
    for (;;) {
      const i = next++;
      if (i >= orders.length) return;
      const o = orders[i];
      const body = JSON.stringify({ client_order_id: prefix + i, side: o.side, type: 'limit', price: o.price, quantity: o.quantity, time_in_force: 'GTC' });
      const status = await post(body, creds[w % creds.length]);
      if (status !== 201 && status !== 422) bad++;
    }
  }));
  parentPort.postMessage({ ms: performance.now() - t0, bad });
  agent.destroy();
})().catch((e) => parentPort.postMessage({ error: String(e) }));
`;

function loadgen(data: unknown): Promise<{ ms: number; bad: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOADGEN_JS, { eval: true, workerData: data });
    w.once('message', (m: { ms: number; bad: number; error?: string }) => {
      void w.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    w.once('error', reject);
  });
}

interface BenchEngine {
  /** Suffix of the result names: '' for SQLite (the names predate PostgreSQL), '_postgres'. */
  suffix: string;
  start(): Promise<{ p: RunningPlatform; database_url?: string; secrets_key_file?: string; stop(): Promise<void> }>;
}

const sqliteEngine: BenchEngine = {
  suffix: '',
  start: async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'platform-bench-'));
    const p = await startPlatform({ db_path: path.join(dir, 'p.db'), rate_limit: false });
    return { p, stop: async () => (await p.close(), rmSync(dir, { recursive: true, force: true })) };
  },
};

const postgresEngine: BenchEngine = {
  suffix: '_postgres',
  start: async () => {
    const found = findPgBin();
    if ('missing' in found) throw new Error(`PostgreSQL benchmarks need PostgreSQL: ${found.missing}`);
    const cluster = await startPgCluster({ durable: true });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'platform-bench-'));
    const secrets_key_file = path.join(dir, 'secrets-key');
    try {
      const p = await startPlatform({ database_url: cluster.url, secrets_key_file, rate_limit: false });
      const stop = async () => {
        await p.close();
        await cluster.stop();
        rmSync(dir, { recursive: true, force: true });
      };
      return { p, database_url: cluster.url, secrets_key_file, stop };
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  },
};

function httpOrders(engine: BenchEngine): Benchmark {
  return {
    name: `platform.http_orders${engine.suffix}`,
    async *run() {
      const { p, stop } = await engine.start();
      try {
        const creds: { key_id: string; secret: string }[] = [];
        for (let i = 0; i < 16; i++) {
          const { account_id } = p.core.createAccount({ start_ms: Date.now() - p.core.config.period_ms });
          p.core.deposit(account_id, '1000000');
          creds.push(p.core.createApiKey(account_id));
        }
        p.core.tick();
        await p.core.durable();
        const N = 8000;
        const orders = (seed: number) =>
          orderStream(N, seed).map((o) => ({ side: o.side, price: (o.price / 10_000).toFixed(4), quantity: (o.lots / 100).toFixed(2) }));
        const CONCURRENCY = 32;
        await loadgen({ url: p.url, creds, orders: orders(13).slice(0, 2000), concurrency: CONCURRENCY, prefix: 'warm' }); // warm-up
        const r = await loadgen({ url: p.url, creds, orders: orders(17), concurrency: CONCURRENCY, prefix: 'h' });
        if (r.bad > 0) throw new Error(`${r.bad} order requests failed`);
        yield result(`platform.http_signed_order_round_trips_per_s${engine.suffix}`, rate(N, r.ms), 'requests/s', engine.suffix ? 2_000 : 3_000);
      } finally {
        await stop();
      }
    },
  };
}

/** Pages through every event of the client's account; the number of events read. */
async function catchUpAll(client: PlatformClient): Promise<number> {
  let after = 0;
  let n = 0;
  for (;;) {
    const page = await client.getEvents({ after, limit: 5000 });
    if (page.events.length === 0) return n;
    n += page.events.length;
    after = page.events[page.events.length - 1]!.seq;
  }
}

async function timedCatchUp(client: PlatformClient, expected: number): Promise<number> {
  await catchUpAll(client); // warm-up
  const t0 = performance.now();
  const n = await catchUpAll(client);
  const ms = performance.now() - t0;
  if (n < expected) throw new Error(`caught up ${n} of ${expected} events`);
  return rate(n, ms);
}

function catchUp(engine: BenchEngine): Benchmark {
  return {
    name: `platform.event_catchup${engine.suffix}`,
    async *run() {
      const { p, database_url, secrets_key_file, stop } = await engine.start();
      try {
        const { account_id } = p.core.createAccount();
        const EVENTS = 100_000;
        for (let i = 0; i < EVENTS; i++) p.core.deposit(account_id, '1.25');
        await p.core.durable();
        const credentials = p.core.createApiKey(account_id);
        await p.core.durable();
        const client = new PlatformClient({ base_url: p.url, credentials, timeout_ms: 30_000 });
        // From the writer: on PostgreSQL that is its working copy, as every write is answered from.
        const writer = await timedCatchUp(client, EVENTS);
        if (!database_url) {
          yield result('platform.event_catchup_events_per_s', writer, 'events/s', 50_000);
          return;
        }
        yield result(`platform.event_catchup_events_per_s${engine.suffix}_writer`, writer, 'events/s');
        // From a read API process's feed: each page one query on PostgreSQL.
        const reader = await startReader({ database_url, writer_url: p.url, secrets_key_file: secrets_key_file!, rate_limit: false });
        try {
          const fromPg = await timedCatchUp(new PlatformClient({ base_url: reader.url, credentials, timeout_ms: 30_000 }), EVENTS);
          yield result(`platform.event_catchup_events_per_s${engine.suffix}`, fromPg, 'events/s', 50_000);
        } finally {
          await reader.close();
        }
      } finally {
        await stop();
      }
    },
  };
}

export const benchmarks: Benchmark[] = [matching, coreInProcess, ...[sqliteEngine, postgresEngine].flatMap((e) => [httpOrders(e), catchUp(e)])];
