import { test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectWallet, expectOnline, launchApp } from './launch.js';
import { startPlatform } from '../../platform/index.js';
test('screens', async ({ page }) => {
  test.setTimeout(300_000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'cw-t-'));
  const platform = await startPlatform({ db_path: path.join(work, 'platform.db'), port: 0, seed_demo: true, simulate: true, backfill_days: 3 });
  const app = await launchApp(['--web'], connectWallet(work, platform));
  await page.goto(app.url);
  await expectOnline(page, app);
  await page.setViewportSize({ width: 1440, height: 900 });
  for (const theme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const [k, name] of [['1', 'overview'], ['4', 'activity'], ['5', 'taxes'], ['6', 'compute'], ['9', 'settings']] as const) {
      await page.keyboard.press(`Alt+${k}`);
      await page.waitForTimeout(1200);
      await page.screenshot({ path: `/tmp/shots/${name}-${theme}.png` });
    }
  }
  await app.stop(); await platform.close();
});
