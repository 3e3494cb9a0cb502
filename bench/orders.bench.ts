// Drain 1,000 queued orders to a loopback platform over HTTP (issue #5): the real order
// service (outbox in a real ledger file, synchronous=FULL), the real signed PlatformClient,
// the real platform (startPlatform, 127.0.0.1, port 0). Orders are placed offline, then the
// queue drains in order. Client-side pacing and the platform's rate limit are both off:
// this measures the engine, not the limiter (the default limit is 50 requests/s).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPlatform } from '../platform/index.js';
import { openLedger } from '../electron/services/ledger/index.js';
import { PlatformClient } from '../electron/services/platform-client/index.js';
import { createOrderService, platformClientTransport, type OrderTransport } from '../electron/services/orders/index.js';
import type { Benchmark, BenchResult } from './types.js';
import { percentile } from './stats.js';

const ORDERS = 1000;
const TARGET_ORDERS_PER_S = 500;


async function* drainBench(): AsyncIterable<BenchResult> {
  // The default: strictly one request at a time (orders reach the engine in queue order).
  yield* drain(1, 'orders.drain_1000');
  // Overlapping requests (max_in_flight 8): still sent in queue order, may arrive interleaved.
  yield* drain(8, 'orders.drain_1000_in_flight_8');
}

async function* drain(max_in_flight: number, name: string): AsyncIterable<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-bench-'));
  const platform = await startPlatform({ db_path: path.join(dir, 'platform.db'), rate_limit: false });
  const ledger = openLedger({ path: path.join(dir, 'wallet.db') });
  try {
    const { account_id } = platform.core.createAccount();
    const credentials = platform.core.createApiKey(account_id);
    platform.core.deposit(account_id, '1000');
    const client = new PlatformClient({ base_url: platform.url, credentials, timeout_ms: 10_000 });
    // Settled balance for the reservations: the deposit as the feed would deliver it.
    ledger.ingest((await client.getEvents({ after: 0 })).events);
    const inner = platformClientTransport(client);
    const round_trips_ms: number[] = [];
    const timed: OrderTransport = {
      async createOrder(req) {
        const t = performance.now();
        const r = await inner.createOrder(req);
        round_trips_ms.push(performance.now() - t);
        return r;
      },
      getOrderByClientId: (id) => inner.getOrderByClientId(id),
      cancelOrder: (id) => inner.cancelOrder(id),
    };
    const svc = createOrderService({ ledger, transport: timed, rate_limit: false, online: false, max_in_flight });
    for (let i = 0; i < ORDERS; i++) {
      // Resting bids at distinct prices, nothing crosses.
      svc.place({ side: 'buy', type: 'limit', price: (0.01 + (i % 100) / 10_000).toFixed(4), quantity: '1' });
    }
    if (svc.queue().length !== ORDERS) throw new Error('queue not filled');
    svc.setOnline(true);
    const t0 = performance.now();
    const r = await svc.drain(10_000);
    const elapsed_ms = performance.now() - t0;
    const open = svc.list({ states: ['open'], limit: 1000 }).length;
    if (r.pending !== 0 || open !== ORDERS) throw new Error(`drain incomplete: pending ${r.pending}, open ${open}`);
    const platform_orders = platform.core.listOrders(account_id, 'open', 1000).length;
    if (platform_orders !== ORDERS) throw new Error(`platform has ${platform_orders} orders, expected ${ORDERS}`);
    await svc.close();
    const rate = Math.round((ORDERS / elapsed_ms) * 1000);
    const sorted = [...round_trips_ms].sort((a, b) => a - b);
    yield { name, value: rate, unit: 'orders/s', target: `>= ${TARGET_ORDERS_PER_S} orders/s`, ok: rate >= TARGET_ORDERS_PER_S };
    yield { name: `${name}.round_trip_p50`, value: Number(percentile(sorted, 50).toFixed(3)), unit: 'ms' };
    yield { name: `${name}.round_trip_p99`, value: Number(percentile(sorted, 99).toFixed(3)), unit: 'ms' };
  } finally {
    ledger.close();
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmarks: Benchmark[] = [{ name: 'orders.drain', run: drainBench }];
