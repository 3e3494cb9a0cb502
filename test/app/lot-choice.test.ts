// A sell order that names its lot, end to end over loopback: the real platform, the wallet app
// (sync, ledger, orders, the tax worker) through dispatch(); the order is filled in two parts by
// another account, and the exported Form 8949 rows use the chosen lot's date and basis, not FIFO's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { startWalletApp, type WalletApp } from '../../electron/app/wallet-app.js';
import { caller } from './call.js';
import { openDefaultFileSecretStore, saveApiCredentials } from '../../electron/services/credentials/index.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function until<T>(what: string, f: () => Promise<T>, pass: (v: T) => boolean, timeout_ms = 30_000): Promise<T> {
  const end = Date.now() + timeout_ms;
  for (;;) {
    const v = await f();
    if (pass(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: not met in ${timeout_ms} ms: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Lot { lot_id: string; quantity: string; cost_basis: string; holding_start: string }

it('a sell naming its lot is filled in parts by another account; the 8949 rows use that lot', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lot-choice-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const platform: RunningPlatform = await startPlatform({ db_path: path.join(dir, 'platform.db') });
  cleanup.push(() => platform.close());
  const core = platform.core;
  // The other account: tokens minted from its unused compute, and USD to buy with.
  const other = core.createAccount({ start_ms: Date.now() - core.config.period_ms }).account_id;
  core.tick();
  core.deposit(other, '100');
  // The wallet's account buys two lots at different prices from it (FIFO would sell the first).
  const mine = core.createAccount().account_id;
  core.deposit(mine, '100');
  let n = 0;
  const order = (account: string, side: 'buy' | 'sell', price: string, quantity: string) =>
    core.placeOrder(account, { client_order_id: `x-${n++}`, side, type: 'limit', price, quantity, time_in_force: 'GTC' });
  order(other, 'sell', '1', '10');
  order(mine, 'buy', '1', '10');
  order(other, 'sell', '2', '10');
  order(mine, 'buy', '2', '10');

  const data_dir = path.join(dir, 'wallet');
  fs.mkdirSync(data_dir);
  await saveApiCredentials(openDefaultFileSecretStore(data_dir), core.createApiKey(mine));
  const app: WalletApp = await startWalletApp({ data_dir, host: 'browser', app_version: '0.0.0-test', platform_url: platform.url });
  cleanup.push(() => app.close());
  const internal: unknown[] = [];
  const { call, ok } = caller(() => app, internal);
  const year = new Date().getUTCFullYear();
  const summary = () => ok<{ lots: Lot[]; rows: number; warnings: unknown[] }>('getTaxSummary', { year });
  const held = await until('both lots in the tax summary', summary, (s) => s.lots.length === 2);
  const [first, second] = held.lots as [Lot, Lot];
  expect(Number(second.cost_basis)).toBeGreaterThan(Number(first.cost_basis));

  // The ticket's preview names the lot; bad choices are refused with the reason, and nothing is queued.
  const preview = await ok<{ method: string; portions: { lot_id: string; cost_basis: string }[] }>('whatIfSale', { quantity: '5', price_usd: '3', lots: [{ lot_id: second.lot_id, quantity: '5' }] });
  expect(preview).toMatchObject({ method: 'specific', portions: [{ lot_id: second.lot_id }] });
  expect(await call('placeOrder', { side: 'sell', type: 'limit', price: '3', quantity: '5', lots: [{ lot_id: second.lot_id, quantity: '4' }] })).toMatchObject({
    ok: false, error: { message: expect.stringMatching(/lots add up to 4, not the order's quantity 5/) },
  });
  expect(await call('placeOrder', { side: 'sell', type: 'limit', price: '3', quantity: '11', lots: [{ lot_id: second.lot_id, quantity: '11' }] })).toMatchObject({
    ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/has only 10 left, not 11/) },
  });
  expect(await call('placeOrder', { side: 'buy', type: 'limit', price: '3', quantity: '1', lots: [{ lot_id: second.lot_id, quantity: '1' }] })).toMatchObject({
    ok: false, error: { message: expect.stringMatching(/only a sell names the lots/) },
  });
  expect((await ok<{ orders: unknown[] }>('listOrders', {})).orders).toHaveLength(0);

  const placed = await ok<{ client_order_id: string; lots: unknown }>('placeOrder', { side: 'sell', type: 'limit', price: '3', quantity: '5', lots: [{ lot_id: second.lot_id, quantity: '5' }] });
  expect(placed.lots).toEqual([{ lot_id: second.lot_id, quantity: '5' }]);
  await until('the order to rest on the platform', () => ok<{ orders: { state: string }[] }>('listOrders', {}), (r) => r.orders[0]?.state === 'open');
  // Filled in two parts by the other account.
  order(other, 'buy', '3', '2');
  order(other, 'buy', '3', '3');
  const after = await until('both fills in the tax figures', summary, (s) => s.rows === 2);
  expect(after.warnings).toEqual([]);
  const listed = await ok<{ orders: { state: string; lots: unknown }[] }>('listOrders', {});
  expect(listed.orders[0]).toMatchObject({ state: 'filled', lots: [{ lot_id: second.lot_id, quantity: '5' }] });

  const out = await ok<{ folder: string }>('exportTaxReport', { year });
  const csv = fs.readFileSync(path.join(out.folder, `form8949-${year}.csv`), 'utf8').trim().split('\n');
  const header = (csv[0] as string).split(',');
  const rows = csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
  expect(rows).toHaveLength(2);
  // Half of the second lot's basis: 2 and 3 tokens of its 10 (the first lot would give half as much).
  const basis = Number(second.cost_basis);
  const cost = rows.map((r) => Number(Object.entries(r).find(([k]) => /basis/i.test(k))?.[1]));
  expect(cost[0]! + cost[1]!).toBeCloseTo(basis / 2, 2);
  for (const r of rows) expect(Object.values(r)).toContain(second.holding_start.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$2/$3/$1'));
  expect(internal).toEqual([]);
}, 90_000);
