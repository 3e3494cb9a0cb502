// End-to-end, issue #11: a sale with a chosen lot (specific identification) picked in the order
// ticket, filled on the platform by another account; the exported Form 8949 row uses that lot's
// acquired date and basis, not FIFO's.
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectOnline, connectWallet, launchApp, type LaunchedApp } from './launch.js';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { PlatformClient } from '../../electron/services/platform-client/index.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'cw-lots-'));
let platform: RunningPlatform;
let app: LaunchedApp;

interface HeldLot { lot_id: string; holding_start: string; quantity: string; cost_basis: string }

test.beforeAll(async () => {
  platform = await startPlatform({ db_path: path.join(work, 'platform.db'), port: 0, seed_demo: true, backfill_days: 14 }); // history: lots bought and minted on different days
  app = await launchApp(['--web'], connectWallet(work, platform));
});

test.afterAll(async () => {
  await app?.stop();
  await platform?.close();
});

const mdy = (iso: string) => iso.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$2/$3/$1');

test('a sale of a chosen lot: picked in the ticket, filled, and its Form 8949 row uses that lot', async ({ page }) => {
  await page.goto(app.url);
  await expectOnline(page, app, 60_000);
  await page.keyboard.press('Alt+3');
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByRole('radio', { name: 'Sell' }).check();
  await ticket.getByLabel('Limit price (USD)').fill('9.5'); // far above the market: only our buyer takes it
  await ticket.getByLabel('Quantity (tokens)').fill('3');

  // The lots held, oldest first (FIFO would take the first); choose the newest other lot that
  // holds 3 and was acquired on another day or at another cost, so the report tells them apart.
  const heldLots = () =>
    page.evaluate(async () => {
      const res = await fetch('/api/getTaxView', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return ((await res.json()) as { result: { summary: { lots: HeldLot[] } | null } }).result.summary?.lots ?? [];
    });
  await expect.poll(async () => (await heldLots()).length, { timeout: 30_000 }).toBeGreaterThan(1); // the tax view has caught up
  const lots = await heldLots();
  const fifo = lots[0]!;
  const perToken = (l: HeldLot) => Number(l.cost_basis) / Number(l.quantity);
  const chosen = [...lots].reverse().find((l) => l.lot_id !== fifo.lot_id && Number(l.quantity) >= 3 && (l.holding_start !== fifo.holding_start || Math.abs(perToken(l) - perToken(fifo)) > 0.001));
  expect(chosen, `the demo account holds lots from different days or costs: ${JSON.stringify(lots.slice(0, 5))}`).toBeDefined();
  await ticket.getByText(/^Choose lots/).click();
  await page.locator(`tr[data-lot-id="${chosen!.lot_id}"] input.lot-input`).fill('3');
  await expect(page.getByTestId('lots-chosen')).toContainText('Chosen 3.00 of 3');
  // The live preview now takes the chosen lot.
  const preview = page.getByTestId('sale-preview');
  await expect(preview.getByRole('table', { name: 'Lots this sale would use' }).locator('tbody tr')).toHaveCount(1);
  // Calendar dates in the display locale (the browser's here), as the day itself whatever the zone.
  const shownDay = await page.evaluate((ymd) => new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${ymd}T00:00:00Z`)), chosen!.holding_start);
  await expect(preview.getByRole('table', { name: 'Lots this sale would use' })).toContainText(shownDay);

  await ticket.getByRole('button', { name: 'Sell limit' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm order' });
  await expect(dialog.locator('dd[data-field="lots"]')).toContainText(`3 from the lot acquired ${shownDay}`);
  const [request] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/api/placeOrder')), dialog.getByRole('button', { name: /^Sell 3 / }).click()]);
  expect((request.postDataJSON() as { lots: unknown }).lots).toEqual([{ lot_id: chosen!.lot_id, quantity: '3' }]);
  await expect(page.getByTestId('order-message')).toHaveText(/Open on the platform/, { timeout: 30_000 });

  // Another subscriber buys it.
  const other = platform.core.createAccount({});
  platform.core.deposit(other.account_id, '1000');
  const client = new PlatformClient({ base_url: platform.url, credentials: platform.core.createApiKey(other.account_id), timeout_ms: 5_000 });
  const { order } = await client.placeOrder({ client_order_id: 'lot-buyer-1', side: 'buy', type: 'limit', quantity: '3', price: '9.5', time_in_force: 'IOC' });
  expect(order.status).toBe('filled');
  await expect(page.getByTestId('order-message')).toHaveText(/Filled: 3\.00/, { timeout: 30_000 });

  // The year's report: the sale's 8949 row carries the chosen lot's date and its basis share.
  const year = new Date().getUTCFullYear();
  const folder = await page.evaluate(async (y) => {
    const res = await fetch('/api/exportTaxReport', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ year: y }) });
    return ((await res.json()) as { result: { folder: string } }).result.folder;
  }, year);
  const csv = readFileSync(path.join(folder, `form8949-${year}.csv`), 'utf8').trim().split('\n');
  const header = csv[0]!.split(',');
  const rows = csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
  const sale = rows.filter((r) => Number(r.proceeds) > 28 && Number(r.proceeds) <= 28.5); // 3 × 9.5 less the fee
  expect(sale).toHaveLength(1);
  expect(sale[0]!.date_acquired).toBe(mdy(chosen!.holding_start));
  const share = (Number(chosen!.cost_basis) * 3) / Number(chosen!.quantity);
  expect(Math.abs(Number(sale[0]!.cost_basis) - share)).toBeLessThan(0.011);
});
