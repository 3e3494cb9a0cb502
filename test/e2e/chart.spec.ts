// End-to-end, the chart over a long history (issue #11), in browser mode: the platform holds
// 20,000 candles of 1m; the chart keeps the user's zoom while trades arrive, and scrolling
// back loads older candles (the first visible candle gets older) while it holds a bounded
// window; + and − zoom by keyboard and the premium chart follows the price chart's span. Screenshots of the Markets page at 1440×900 and 800×600 go to test-results/.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectOnline, connectWallet, launchApp, ROOT, type LaunchedApp } from './launch.js';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { ticksToPrice } from '../../platform/core/units.js';
import { seedCandles } from '../fixtures/seed-candles.js';

/** The seeded market trades around 1.5 × face value (the demo plan's face value is $0.02). */
const MARKET_TICKS = 300;
const MARKET_PRICE = ticksToPrice(MARKET_TICKS);
const work = mkdtempSync(path.join(os.tmpdir(), 'cw-chart-'));
let platform: RunningPlatform;
let app: LaunchedApp;
let seeded: { first_s: number; last_s: number };

test.beforeAll(async () => {
  const db_path = path.join(work, 'platform.db');
  platform = await startPlatform({ db_path, port: 0, seed_demo: true });
  seeded = seedCandles(db_path, '1m', 20_000, platform.core.now_ms(), MARKET_TICKS);
  app = await launchApp(['--web'], connectWallet(work, platform));
});

test.afterAll(async () => {
  await app?.stop();
  await platform?.close();
});

const attr = async (page: Page, name: string) => Number(await page.getByTestId('price-chart').getAttribute(`data-${name}`));

async function openOneMinute(page: Page) {
  await page.goto(app.url);
  await expectOnline(page, app);
  await page.keyboard.press('Alt+2');
  const toolbar = page.getByRole('toolbar', { name: 'Candle interval' });
  await toolbar.getByRole('button', { name: '1m' }).click();
  await expect(toolbar.getByRole('button', { name: '1m' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('price-chart')).toHaveAttribute('data-interval', '1m');
  await expect(page.getByTestId('price-chart')).toHaveAttribute('data-loading', '');
  await expect.poll(() => attr(page, 'held')).toBeGreaterThan(0);
}

test('the chart keeps the user zoom while trades arrive', async ({ page }) => {
  await openOneMinute(page);
  const chart = page.getByTestId('price-chart');
  await expect(chart).toHaveAttribute('role', 'img');
  // Scroll back with the keyboard (a tenth of the view per key), away from the live edge.
  await chart.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  await expect.poll(() => attr(page, 'visible-to')).toBeLessThan(seeded.last_s);
  // The chart applies the last key's range at its next frame: the view is the user's once it
  // holds still (the same range two frames apart), and from then on it must not move.
  const range = () => page.evaluate(`new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const el = document.querySelector('[data-testid="price-chart"]');
    ok(el.getAttribute('data-visible-from') + '-' + el.getAttribute('data-visible-to'));
  })))`);
  await expect.poll(async () => (await range()) === (await range())).toBe(true);
  const from = await attr(page, 'visible-from');
  const to = await attr(page, 'visible-to');
  const measured_before = await chart.getAttribute('data-live-update-ms');
  const last_before = await attr(page, 'last-time');

  // Trades on the platform: another account buys from the wallet account's resting sell.
  const core = platform.core;
  const buyer = core.createAccount({});
  core.deposit(buyer.account_id, '1000');
  const demo = platform.demo_credentials!;
  core.placeOrder(demo.account_id, { client_order_id: 'e2e-rest', side: 'sell', type: 'limit', quantity: '1', price: MARKET_PRICE, time_in_force: 'GTC' });
  for (let i = 0; i < 5; i++) core.placeOrder(buyer.account_id, { client_order_id: `e2e-buy-${i}`, side: 'buy', type: 'limit', quantity: '0.01', price: MARKET_PRICE, time_in_force: 'IOC' });
  // The live candle moved (an update was measured) ...
  await expect.poll(async () => {
    const now = await chart.getAttribute('data-live-update-ms');
    return now !== null && now !== measured_before;
  }).toBe(true);
  expect(await attr(page, 'last-time')).toBeGreaterThanOrEqual(last_before);
  // ... and the view did not move.
  expect(await attr(page, 'visible-from')).toBe(from);
  expect(await attr(page, 'visible-to')).toBe(to);
});

test('plus and minus zoom the chart by keyboard; the premium chart follows its zoom and scroll', async ({ page }) => {
  await openOneMinute(page);
  const chart = page.getByTestId('price-chart');
  const premium = page.getByTestId('premium-chart');
  const premiumAt = async (name: string) => Number(await premium.getAttribute(`data-${name}`));
  const width = async () => (await attr(page, 'visible-to')) - (await attr(page, 'visible-from'));
  /** The premium chart shows the price chart's span, to within one 1m bar at each end. */
  const following = async () =>
    Math.max(Math.abs((await premiumAt('visible-from')) - (await attr(page, 'visible-from'))), Math.abs((await premiumAt('visible-to')) - (await attr(page, 'visible-to'))));
  await expect.poll(following).toBeLessThanOrEqual(60);
  const first = await width();
  await chart.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('-');
  await expect.poll(width).toBeGreaterThan(first * 1.5);
  await expect.poll(following).toBeLessThanOrEqual(60);
  const zoomed_out = await width();
  for (let i = 0; i < 2; i++) await page.keyboard.press('+');
  await expect.poll(width).toBeLessThan(zoomed_out * 0.8);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
  await expect.poll(() => attr(page, 'visible-to')).toBeLessThan(seeded.last_s - 60);
  await expect.poll(following).toBeLessThanOrEqual(60);
  // Not the whole history: the premium shows a span, not all it holds.
  expect((await premiumAt('visible-from')) > seeded.first_s).toBe(true);
});

test('scrolling back loads older candles, within a bounded window', async ({ page }) => {
  await openOneMinute(page);
  const chart = page.getByTestId('price-chart');
  const first_held = await attr(page, 'first-time');
  const first_visible = await attr(page, 'visible-from');
  await chart.focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press('PageUp');
  // What the chart says of itself, for the failure message.
  const state = async () => {
    const el = page.getByTestId('price-chart');
    const names = ['loading', 'reached-start', 'held', 'first-time', 'visible-from', 'visible-to', 'interval'];
    const values = await Promise.all(names.map((n) => el.getAttribute(`data-${n}`)));
    const note = await page.locator('.chart-note').allTextContents();
    const focused = await page.evaluate('document.activeElement && document.activeElement.getAttribute("data-testid")');
    return `${names.map((n, i) => `${n}=${values[i]}`).join(' ')} focused=${String(focused)} notes=${JSON.stringify(note)}`;
  };
  try {
    await expect.poll(() => attr(page, 'first-time')).toBeLessThan(first_held);
  } catch (e) {
    throw new Error(`no older candles after scrolling back: ${await state()}\n${(e as Error).message}`);
  }
  await expect.poll(() => attr(page, 'visible-from')).toBeLessThan(first_visible);
  expect(await attr(page, 'held')).toBeLessThanOrEqual(6000);
  // No blank gap: the held candles are a run of the platform's own, none missing.
  const held = await attr(page, 'held');
  const run = platform.core.candles('1m', (await attr(page, 'last-time')) + 1, held).candles;
  expect(run).toHaveLength(held);
  expect(run[0]!.time).toBe(await attr(page, 'first-time'));

  for (const [w, h] of [[1440, 900], [800, 600]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ROOT, `test-results/chart-markets-${w}x${h}.png`), fullPage: true });
  }
});
