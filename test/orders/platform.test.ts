// Integration over loopback HTTP with the real pieces the app wires together: platform
// (startPlatform), signed PlatformClient, sync engine (REST + WebSocket), ledger, order
// service. Orders are placed with the platform stopped; it is restarted (same file, same
// port) and each order reaches the platform exactly once and shows up in the wallet.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { openWallet, until } from './wallet-wiring.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('orders against the real platform over HTTP', () => {
  it('orders placed while the platform is stopped reach it exactly once after it restarts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-it-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const db_path = path.join(dir, 'platform.db');
    let platform: RunningPlatform | null = await startPlatform({ db_path });
    const port = platform.port;
    const { account_id } = platform.core.createAccount();
    const credentials = platform.core.createApiKey(account_id);
    platform.core.deposit(account_id, '500');
    const base_url = platform.url;
    cleanup.push(async () => platform?.close());

    // The wiring the app does: connection status drives sending; every ledger change is merged.
    const { ledger, sync, orders, close } = openWallet(dir, base_url, credentials);
    cleanup.push(close);
    await sync.whenSynced(10_000);
    expect(orders.available().usd.available).toBe('500');

    await platform.close();
    platform = null;
    await until('the wallet to see the platform gone', () => !orders.isOnline());

    const placed = [
      orders.place({ side: 'buy', type: 'limit', price: '0.02', quantity: '100' }),
      orders.place({ side: 'buy', type: 'limit', price: '0.021', quantity: '50', time_in_force: 'GTD', expires_at: new Date(Date.now() + 3_600_000).toISOString() }),
      orders.place({ side: 'buy', type: 'market', quantity: '10', protection_price: '0.05' }),
    ];
    const canceled = orders.place({ side: 'buy', type: 'limit', price: '0.01', quantity: '10' });
    orders.cancel(canceled.client_order_id);
    expect(orders.queue().map((o) => o.client_order_id)).toEqual(placed.map((o) => o.client_order_id));
    expect(() => orders.place({ side: 'buy', type: 'limit', price: '1', quantity: '1000' })).toThrow(/available/);

    platform = await startPlatform({ db_path, port });
    await until('the queue to drain', () => orders.queue().length === 0);
    await sync.whenSynced(10_000);
    await until('the feed to bring every order', () => orders.list().every((o) => o.state !== 'queued' && o.order_id !== null || o.state === 'canceled'));

    const on_platform = platform.core.listOrders(account_id, 'all', 100);
    for (const p of placed) {
      expect(on_platform.filter((o) => o.client_order_id === p.client_order_id)).toHaveLength(1);
      const local = orders.get(p.client_order_id);
      const remote = on_platform.find((o) => o.client_order_id === p.client_order_id)!;
      expect(local.state).toBe(remote.status);
      expect(local.order_id).toBe(remote.order_id);
    }
    expect(on_platform.some((o) => o.client_order_id === canceled.client_order_id)).toBe(false);
    expect(on_platform).toHaveLength(placed.length);
    // In the wallet: the ledger's order table (from the event feed) has each exactly once.
    const in_ledger = ledger.database().prepare('SELECT client_order_id, count(*) AS n FROM orders GROUP BY client_order_id').all() as { client_order_id: string; n: number }[];
    expect(in_ledger.map((r) => r.client_order_id).sort()).toEqual(placed.map((p) => p.client_order_id).sort());
    expect(in_ledger.every((r) => r.n === 1)).toBe(true);
    const b = platform.core.getBalances(account_id);
    expect(orders.available().usd.available).toBe(b.usd.available);
  });
});
