// End-to-end, issue #5's proof in the browser: with a real platform server that is stopped,
// the user places orders in browser mode (they queue locally); the platform restarts; each
// order reaches it exactly once and the wallet shows it open.
import { expect, test, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expectOnline, launchApp, ROOT, type LaunchedApp } from './launch.js';
import { PlatformClient } from '../../electron/services/platform-client/index.js';

const tsx = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const work = mkdtempSync(path.join(os.tmpdir(), 'cw-offline-'));
const dbPath = path.join(work, 'platform.db');
const credsPath = path.join(work, 'creds.json');
const dataDir = path.join(work, 'wallet');
let port = 0;
let platform: ChildProcess | null = null;
let app: LaunchedApp;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function startPlatformProcess(): Promise<void> {
  const child = spawn(process.execPath, [tsx, 'platform/cli.ts', '--port', String(port), '--db', dbPath, '--seed-demo', '--credentials-out', credsPath], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start:\n${out}`)), 60_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes('platform listening on')) { clearTimeout(timer); resolve(); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`platform exited ${code}:\n${out}`)); });
  });
  platform = child;
}

async function stopPlatformProcess(): Promise<void> {
  const child = platform;
  platform = null;
  if (!child || child.exitCode !== null) return;
  child.removeAllListeners('exit');
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function placeLimitBuy(page: Page, quantity: string, price: string): Promise<void> {
  await page.getByRole('radio', { name: 'Buy' }).click();
  await page.getByRole('radio', { name: 'Limit' }).click();
  await page.getByLabel('Quantity (tokens)').fill(quantity);
  await page.getByLabel('Limit price (USD)').fill(price);
  await page.getByRole('button', { name: 'Buy limit' }).click();
  await page.getByRole('dialog', { name: 'Confirm order' }).getByRole('button', { name: /^Buy / }).click();
  await expect(page.getByTestId('order-message')).toHaveText(/Queued, will be sent when the platform is reachable/);
}

test.beforeAll(async () => {
  port = await freePort();
  await startPlatformProcess();
  const connect = spawnSync(process.execPath, [tsx, 'electron/cli/wallet.ts', 'connect', '--data-dir', dataDir, '--platform-url', `http://127.0.0.1:${port}`, '--credentials', credsPath], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(connect.status, connect.stderr).toBe(0);
  app = await launchApp(['--web'], dataDir);
});

test.afterAll(async () => {
  await app?.stop();
  await stopPlatformProcess();
});

test('orders placed while the platform is down reach it exactly once after it returns', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(app.url);
  const status = page.getByTestId('connection-status');
  await expectOnline(page, app, 60_000);
  // Live, nothing behind: the status line says so instead of an ever-growing age.
  await expect(page.getByTestId('sync-freshness')).toHaveText('Up to date (live)', { timeout: 30_000 });

  // Balances come from the local ledger: the same figures with the platform gone.
  const tokens = await page.getByTestId('tokens-total').textContent();
  const cash = await page.getByTestId('usd-total').textContent();
  expect(tokens).toMatch(/^[\d,]+\.\d{2}$/);

  // The Compute screen fetches the subscription while online (kept for offline use).
  await page.keyboard.press('Alt+6');
  await expect(page.getByRole('radio', { name: 'Mint tokens' })).toBeEnabled();
  await page.keyboard.press('Alt+1');

  await stopPlatformProcess();
  await expect(status).toHaveAttribute('data-state', 'offline', { timeout: 60_000 });
  await page.reload(); // a fresh load while offline still shows everything
  await expect(status).toHaveAttribute('data-state', 'offline');
  await expect(page.getByTestId('sync-freshness')).toHaveText(/^Last synced (just now|\d+s ago|\d+m ago)$/);
  await expect(page.getByTestId('tokens-total')).toHaveText(tokens!);
  await expect(page.getByTestId('usd-total')).toHaveText(cash!);

  // Redeeming is priced when it happens: offline it is not offered (and not queued).
  await page.keyboard.press('Alt+6');
  await expect(page.getByText(/Offline: redeeming and changing the election need the platform\. The subscription below is as last fetched/)).toBeVisible();
  await expect(page.getByTestId('period-available')).toHaveText(/^[\d,]+\.\d{2}$/);
  // The last known subscription, with its time: plan, election, and the countdown from the stored end.
  await expect(page.getByRole('heading', { name: 'Plan: Standard' })).toBeVisible();
  await expect(page.getByText(/^election: (mint tokens|renewal credit)$/)).toBeVisible();
  await expect(page.getByRole('timer', { name: 'Period ends in' })).toHaveText(/^((\d+d )?(\d+h )?\d+m \d{2}s|closing now)$/);
  await expect(page.getByTestId('period-figures')).toContainText(/As last fetched, .* \(offline\)\./);
  await expect(page.getByRole('button', { name: 'Redeem for credits' })).toBeDisabled();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'compute-offline.png') });

  await page.keyboard.press('Alt+3');
  await expect(page.getByText(/Offline: the order waits in the local queue/)).toBeVisible();
  // The book and the trades shown are the last known, and say so.
  await expect(page.getByRole('region', { name: 'Order book' }).getByTestId('stale-tag')).toHaveText('offline: last known');
  await expect(page.getByRole('region', { name: 'Recent trades' }).getByTestId('stale-tag')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry now' })).toBeVisible();
  // Far below the market, so they rest in the book instead of filling.
  const quantities = ['10', '11', '12'];
  for (const q of quantities) await placeLimitBuy(page, q, '0.0010');
  const queued = page.getByTestId('queued-table').locator('tbody tr[data-client-order-id]');
  await page.getByRole('tab', { name: 'Queued' }).click();
  await expect(queued.filter({ hasText: 'Queued (offline)' })).toHaveCount(3);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'trade-offline-queue.png') });

  await startPlatformProcess();
  // The user need not wait out the backoff: "Retry now" asks at once. Best effort here: the
  // wallet's own retry may already be under way, and then the button is gone (its effect is
  // tested in test/sync/faults.test.ts; that it shows while offline, above).
  await page.getByRole('button', { name: 'Retry now' }).click({ timeout: 2_000 }).catch(() => undefined);
  await expectOnline(page, app, 90_000);
  await expect(queued).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('stale-tag')).toHaveCount(0); // live again
  await page.getByRole('tab', { name: 'Open' }).click();
  const rows = page.getByTestId('orders-table').locator('tbody tr[data-client-order-id]');
  await expect(rows.filter({ hasText: 'Open' })).toHaveCount(3, { timeout: 60_000 });
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'trade-after-reconnect.png') });

  // The wallet's view: three orders, each with its own client_order_id, all open.
  const wallet = await page.evaluate(async () => {
    const res = await fetch('/api/listOrders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return (await res.json()) as { result: { orders: { client_order_id: string; state: string; quantity: string; order_id: string | null }[] } };
  });
  const mine = wallet.result.orders;
  expect(mine.map((o) => o.state)).toEqual(['open', 'open', 'open']);
  expect(new Set(mine.map((o) => o.client_order_id)).size).toBe(3);

  // The platform's view: exactly one order per client_order_id, with the same quantities.
  const creds = JSON.parse(readFileSync(credsPath, 'utf8')) as { key_id: string; secret: string };
  const client = new PlatformClient({ base_url: `http://127.0.0.1:${port}`, credentials: creds, timeout_ms: 10_000 });
  const onPlatform = (await client.listOrders({ status: 'all', limit: 500 })).orders;
  for (const o of mine) {
    const matches = onPlatform.filter((p) => p.client_order_id === o.client_order_id);
    expect(matches, o.client_order_id).toHaveLength(1);
    expect(matches[0]!.order_id).toBe(o.order_id);
    expect(matches[0]!.quantity).toBe(o.quantity);
  }
  expect(mine.map((o) => o.quantity).sort()).toEqual(quantities);

  // The wallet catches up with what happened on the platform while it was away.
  await client.deposit({ amount_usd: '250' });
  await page.keyboard.press('Alt+1');
  await expect(page.getByTestId('usd-total')).not.toHaveText(cash!, { timeout: 30_000 });
  expect(errors).toEqual([]);
});
