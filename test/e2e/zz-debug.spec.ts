import { expect, test } from '@playwright/test';
void expect;
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectWallet, expectOnline, launchApp } from './launch.js';
import { startPlatform } from '../../platform/index.js';
test('trader session', async ({ page }) => {
  test.setTimeout(300_000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'cw-t-'));
  const platform = await startPlatform({ db_path: path.join(work, 'platform.db'), port: 0, seed_demo: true, simulate: true, backfill_days: 3 });
  const app = await launchApp(['--web'], connectWallet(work, platform));
  const t0 = Date.now();
  await page.goto(app.url);
  await expectOnline(page, app);
  console.log('online after', Date.now() - t0, 'ms');
  for (const [w, h] of [[1440, 900], [800, 600]] as const) {
    for (const theme of ['dark', 'light'] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.emulateMedia({ colorScheme: theme });
      await page.keyboard.press('Alt+3');
      await page.waitForTimeout(1500);
      await page.screenshot({ path: `/tmp/shots/trade-${theme}-${w}.png` });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByRole('radio', { name: 'Buy' }).check();
  await ticket.getByLabel('Limit price (USD)').fill('0.01');
  await ticket.getByLabel('Quantity (tokens)').fill('2');
  await ticket.getByRole('button', { name: /Buy limit/ }).click();
  const dlg = page.getByRole('dialog', { name: 'Confirm order' });
  await page.screenshot({ path: `/tmp/shots/confirm.png` });
  await dlg.getByRole('button', { name: /^Buy 2/ }).click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/shots/after-place.png` });
  await page.getByRole('tab', { name: /History/ }).click();
  await page.getByRole('tab', { name: /Open/ }).click();
  const row = page.getByRole('row').filter({ hasText: '$0.0100' }).first();
  await row.getByRole('button', { name: /Cancel/ }).click();
  await page.waitForTimeout(1500);
  await page.getByRole('tab', { name: /History/ }).click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/shots/after-cancel.png` });
  await app.stop(); await platform.close();
});
