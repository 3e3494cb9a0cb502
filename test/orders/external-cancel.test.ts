// Cancelling orders placed elsewhere (another device, the platform's web UI), over loopback
// HTTP with the real platform, signed client, sync engine, ledger and order service. The
// request is stored first, waits while offline and across a restart of the wallet, goes out
// once the platform is back, and ends when the feed shows the order canceled.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { OrderEntryError, type OrderChange } from '../../electron/services/orders/index.js';
import { openWallet, until } from './wallet-wiring.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function entryError(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof OrderEntryError) return `${err.code}: ${err.message}`;
    throw err;
  }
  throw new Error('expected an OrderEntryError');
}

describe('cancelling orders placed elsewhere', () => {
  it('is stored, waits while offline and across a restart, and is sent once the platform is back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ext-cancel-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const db_path = path.join(dir, 'platform.db');
    let platform: RunningPlatform | null = await startPlatform({ db_path });
    const port = platform.port;
    const base_url = platform.url;
    cleanup.push(async () => platform?.close());
    const { account_id } = platform.core.createAccount();
    const credentials = platform.core.createApiKey(account_id);
    platform.core.deposit(account_id, '500');
    // Three resting buys placed on the platform directly, not through this wallet.
    const elsewhere = ['a', 'b', 'c'].map(
      (k, i) => platform!.core.placeOrder(account_id, { client_order_id: `web-${k}`, side: 'buy', type: 'limit', price: `0.0${i + 1}`, quantity: '100', time_in_force: 'GTC' }).order,
    );

    let w = openWallet(dir, base_url, credentials);
    cleanup.push(() => w.close());
    await w.sync.whenSynced(10_000);
    await until('the feed to show the three orders', () => w.orders.external().length === 3);
    expect(w.orders.external().every((o) => o.cancel === null && o.cancel_error === null)).toBe(true);
    // 100 × (0.01 + 0.02 + 0.03) = 6 USD held by them (plus the platform's fee reserve).
    const held_before = Number(w.orders.available().usd.reserved);
    expect(held_before).toBeGreaterThanOrEqual(6);

    // Bad input changes nothing.
    const [a, b, c] = elsewhere as [(typeof elsewhere)[number], (typeof elsewhere)[number], (typeof elsewhere)[number]];
    expect(entryError(() => w.orders.cancelExternal({ order_id: '' }))).toMatch(/^invalid_input/);
    expect(entryError(() => w.orders.cancelExternal({ order_id: a.order_id, extra: 1 }))).toMatch(/^invalid_input/);
    expect(entryError(() => w.orders.cancelExternal({ order_id: 'no-such-order' }))).toMatch(/^not_found: no order no-such-order/);
    const own = w.orders.place({ side: 'buy', type: 'limit', price: '0.001', quantity: '10' });
    await until('the own order to be on the platform and in the feed', () => {
      const o = w.orders.get(own.client_order_id);
      return o.state === 'open' && o.order_id !== null && w.ledger.database().prepare('SELECT 1 FROM orders WHERE client_order_id = ?').get(own.client_order_id) !== undefined;
    });
    expect(entryError(() => w.orders.cancelExternal({ order_id: w.orders.get(own.client_order_id).order_id! }))).toMatch(/placed from this wallet: cancel it by its client_order_id/);
    expect(w.ledger.database().prepare('SELECT count(*) FROM external_cancels').pluck().get()).toBe(0);

    // Online: sent at once; the feed then ends the order and it leaves the list.
    const first = w.orders.cancelExternal({ order_id: a.order_id });
    expect(first.order_id).toBe(a.order_id);
    expect(['pending', 'sent']).toContain(first.cancel);
    await until('order a to leave the list', () => !w.orders.external().some((o) => o.order_id === a.order_id));
    expect(platform.core.getOrder(account_id, a.order_id).status).toBe('canceled');

    // Offline: the request waits, survives a restart of the wallet, and goes out once.
    await platform.close();
    platform = null;
    await until('the wallet to see the platform gone', () => !w.orders.isOnline());
    const changes: OrderChange[] = [];
    const unsubscribe = w.orders.subscribe((ch) => changes.push(ch));
    const queued = w.orders.cancelExternal({ order_id: b.order_id });
    unsubscribe();
    expect(queued.cancel).toBe('pending');
    // The view is pushed the external order's change (its row then shows the pending cancel).
    expect(changes).toEqual([{ kind: 'orders', client_order_ids: [], external_order_ids: [b.order_id], from_feed: false }]);
    // Asking again while it waits is harmless: still one request.
    expect(w.orders.cancelExternal({ order_id: b.order_id }).cancel).toBe('pending');
    expect(w.ledger.database().prepare("SELECT count(*) FROM external_cancels WHERE state = 'pending'").pluck().get()).toBe(1);
    await w.close();
    w = openWallet(dir, base_url, credentials);
    expect(w.orders.external().find((o) => o.order_id === b.order_id)?.cancel).toBe('pending');

    platform = await startPlatform({ db_path, port });
    await until('order b to leave the list', () => !w.orders.external().some((o) => o.order_id === b.order_id));
    expect(platform.core.getOrder(account_id, b.order_id).status).toBe('canceled');
    expect(platform.core.getOrder(account_id, c.order_id).status).toBe('open');
    expect(w.orders.external().map((o) => o.order_id)).toEqual([c.order_id]);
    // Ended orders leave no request behind, and the funds they held are free again.
    await w.orders.drain();
    expect(w.ledger.database().prepare('SELECT count(*) FROM external_cancels').pluck().get()).toBe(0);
    expect(Number(w.orders.available().usd.reserved)).toBeLessThan(held_before);
    expect(w.orders.available().usd.available).toBe(platform.core.getBalances(account_id).usd.available);
  });

  it('an order that ended before the cancel arrived is shown as refused, with the platform\'s reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ext-cancel-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const platform = await startPlatform({ db_path: path.join(dir, 'platform.db') });
    cleanup.push(async () => platform.close());
    const { account_id } = platform.core.createAccount();
    const credentials = platform.core.createApiKey(account_id);
    platform.core.deposit(account_id, '100');
    const order = platform.core.placeOrder(account_id, { client_order_id: 'web-1', side: 'buy', type: 'limit', price: '0.02', quantity: '50', time_in_force: 'GTC' }).order;

    const w = openWallet(dir, platform.url, credentials);
    cleanup.push(() => w.close());
    await w.sync.whenSynced(10_000);
    await until('the feed to show the order', () => w.orders.external().length === 1);
    // The feed is paused, so the wallet still sees the order live when it is canceled on the web.
    await w.pauseFeed();
    platform.core.cancelOrder(account_id, order.order_id);
    w.orders.cancelExternal({ order_id: order.order_id });
    await until('the platform to answer', () => w.orders.external()[0]?.cancel !== 'pending');
    const view = w.orders.external().find((o) => o.order_id === order.order_id);
    expect(view?.cancel, JSON.stringify(view)).toBe('refused');
    expect(view?.cancel_error).toMatch(/^cancel refused: order_not_open/);
    // Not retried on its own: nothing is due.
    const r = await w.orders.drain();
    expect(r.canceled).toBe(0);
  });
});
