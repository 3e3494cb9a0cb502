// End-to-end, the view pipe (issue #10): an order the wallet placed is filled by another
// account on the platform; the fill reaches the Trade screen by push alone. The test counts
// the page's wallet API calls after the order is placed: there must be none (no refetch).
import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectOnline, connectWallet, launchApp, type LaunchedApp } from './launch.js';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { PlatformClient } from '../../electron/services/platform-client/index.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'cw-live-'));
let platform: RunningPlatform;
let app: LaunchedApp;

test.beforeAll(async () => {
  platform = await startPlatform({ db_path: path.join(work, 'platform.db'), port: 0, seed_demo: true });
  app = await launchApp(['--web'], connectWallet(work, platform));
});

test.afterAll(async () => {
  await app?.stop();
  await platform?.close();
});

test('a fill made by another account shows up on the Trade screen without any refetch', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const calls: string[] = [];
  page.on('request', (r) => {
    const m = /\/api\/([A-Za-z]+)$/.exec(new URL(r.url()).pathname);
    if (m && r.method() === 'POST') calls.push(m[1]!);
  });
  await page.goto(app.url);
  await expectOnline(page, app, 60_000);
  await page.keyboard.press('Alt+3');

  // The wallet rests a sell far above the market, so only our other account will take it.
  await page.getByRole('radio', { name: 'Sell' }).click();
  await page.getByRole('radio', { name: 'Limit' }).click();
  await page.getByLabel('Quantity (tokens)').fill('3');
  await page.getByLabel('Limit price (USD)').fill('9.5');
  await page.getByRole('button', { name: 'Sell limit' }).click();
  await page.getByRole('dialog', { name: 'Confirm order' }).getByRole('button', { name: /^Sell 3 / }).click();
  const row = page.getByTestId('orders-table').locator('tbody tr', { hasText: '$9.5000' });
  await expect(row).toHaveAttribute('data-state', 'open', { timeout: 30_000 });
  const placed_calls = calls.length;

  // Another subscriber buys it on the platform.
  const other = platform.core.createAccount({});
  platform.core.deposit(other.account_id, '1000');
  const key = platform.core.createApiKey(other.account_id);
  const client = new PlatformClient({ base_url: platform.url, credentials: key, timeout_ms: 5_000 });
  const { order } = await client.placeOrder({ client_order_id: 'other-buyer-1', side: 'buy', type: 'limit', quantity: '3', price: '9.5', time_in_force: 'IOC' });
  expect(order.status).toBe('filled');

  // Filled: it leaves the Open tab for History, with its average price and fee.
  await expect(row).toHaveCount(0, { timeout: 15_000 });
  await page.getByRole('tab', { name: 'History' }).click();
  const done = page.getByTestId('history-table').locator('tbody tr', { hasText: '$9.5000' });
  await expect(done).toHaveAttribute('data-state', 'filled');
  await expect(done).toContainText('3.00');
  await expect(done.getByTestId('avg-fill')).toHaveText('$9.5000');
  await expect(page.getByTestId('order-message')).toHaveText(/Filled: 3\.00/);
  // The trade reached the public tape too.
  await expect(page.getByRole('region', { name: 'Recent trades' })).toContainText('$9.5000');
  // Pushed, not fetched: not one wallet API call since the order went open.
  expect(calls.slice(placed_calls)).toEqual([]);
  expect(errors).toEqual([]);
});
