// End-to-end, issue #12: a period close on the platform produces exactly one notification
// with the minted amount, and none again after the wallet restarts (each event notifies
// once, also across a restart; no storm of old events after the catch-up).
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectOnline, launchApp, ROOT, type LaunchedApp } from './launch.js';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';

const tsx = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const work = mkdtempSync(path.join(os.tmpdir(), 'cw-close-'));
const data_dir = path.join(work, 'wallet');
/** Short periods so a close happens during the test; the demo account leaves its credits unused. */
const PERIOD_MS = 15_000;
let platform: RunningPlatform;
let app: LaunchedApp | null = null;

interface Listed { id: number; kind: string; title: string; time: string }

async function listed(page: Page): Promise<Listed[]> {
  return page.evaluate(async () => {
    const res = await fetch('/api/listNotifications', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return ((await res.json()) as { result: { notifications: Listed[] } }).result.notifications;
  });
}

test.beforeAll(async () => {
  platform = await startPlatform({ db_path: path.join(work, 'platform.db'), port: 0, seed_demo: true, period_ms: PERIOD_MS });
  const creds = path.join(work, 'creds.json');
  writeFileSync(creds, JSON.stringify(platform.demo_credentials), { mode: 0o600 });
  const connect = spawnSync(process.execPath, [tsx, 'electron/cli/wallet.ts', 'connect', '--data-dir', data_dir, '--platform-url', platform.url, '--credentials', creds], { cwd: ROOT, encoding: 'utf8' });
  expect(connect.status, connect.stderr).toBe(0);
});

test.afterAll(async () => {
  await app?.stop();
  await platform?.close();
});

test('a period close notifies once with the minted amount, and not again after a restart', async ({ page }) => {
  test.setTimeout(180_000);
  app = await launchApp(['--web'], data_dir);
  await page.goto(app.url);
  await expectOnline(page, app!, 60_000);
  // History from before the wallet's first run is not notified: only a close seen live.
  let close: Listed | undefined;
  await expect(async () => {
    close = (await listed(page)).find((n) => n.kind === 'period_close' && / minted$/.test(n.title));
    expect(close).toBeDefined();
  }).toPass({ timeout: 60_000, intervals: [500] });
  expect(close!.title).toMatch(/^Period closed: [\d,]+(\.\d+)? \S+ minted$/);
  const button = page.getByRole('button', { name: 'Notifications', exact: true });
  await button.click();
  await expect(page.getByRole('list', { name: 'Notifications' })).toContainText(close!.title);
  const sameClose = (all: Listed[]) => all.filter((n) => n.kind === 'period_close' && n.time === close!.time);
  expect(sameClose(await listed(page))).toHaveLength(1);

  // Restart on the same data folder: the catch-up must not notify that close again.
  await app.stop();
  app = await launchApp(['--web'], data_dir);
  await page.goto(app.url);
  await expectOnline(page, app!, 60_000);
  await page.waitForTimeout(2_000); // the catch-up has run (online means caught up); give pushes a moment
  const after = await listed(page);
  expect(sameClose(after)).toHaveLength(1);
  expect(after.find((n) => n.id === close!.id)?.title).toBe(close!.title);
});

test('in browser mode, once the user allows it, a period close is also a system notification', async ({ browser }) => {
  test.setTimeout(180_000);
  app ??= await launchApp(['--web'], data_dir);
  const origin = new URL(app.url).origin;
  const context = await browser.newContext();
  await context.grantPermissions(['notifications'], { origin });
  // Record what the page hands to the Web Notifications API (the real constructor still runs).
  // (A string: the tests are typechecked without the DOM library.)
  await context.addInitScript({
    content: `(() => {
      const Real = window.Notification;
      const shown = [];
      window.__shown = shown;
      class Recording extends Real {
        constructor(title, options) { super(title, options); shown.push({ title, body: (options && options.body) || '' }); }
      }
      Object.defineProperty(window, 'Notification', { value: Recording, configurable: true, writable: true });
    })()`,
  });
  const page = await context.newPage();
  await page.goto(app.url);
  await expectOnline(page, app!, 60_000);
  // The next close (periods are 15 s here) reaches the OS through the browser.
  await expect
    .poll(async () => page.evaluate(() => (globalThis as unknown as { __shown: { title: string }[] }).__shown.map((n) => n.title)), { timeout: 90_000, intervals: [1000] })
    .toContainEqual(expect.stringMatching(/^Period closed: [\d,]+(\.\d+)? \S+ minted$/));
  await context.close();
});
