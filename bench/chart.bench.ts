// The chart over a deep history (issue #11), in browser mode with Debian's Chromium: the
// platform's candle table holds 1,000,000 candles of 1m (about 694 days), served through the
// wallet API like any page (getCandles; the wallet caches each page in its ledger file).
//  - chart.history_1m_first_paint_ms: on the Markets page, choosing the 1m interval until the
//    chart has painted its first window (newest page fetched from the platform).
//  - chart.history_1m_live_update_p99_ms: trades between two other accounts move the live
//    candle; the chart's work per update (its sync update plus its paint frame up to the
//    chart's paint, data-live-update-ms).
//  - chart.history_1m_scroll_back_ms: "Go to" a time 100,000 candles back until painted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startPlatform } from '../platform/index.js';
import { startBrowserMode } from '../electron/app/browser-mode.js';
import { usePlatform } from '../electron/app/platform-config.js';
import { openDefaultFileSecretStore } from '../electron/services/credentials/index.js';
import { ensureRendererBuilt } from '../scripts/renderer-build.js';
import { seedCandles } from '../test/fixtures/seed-candles.js';
import { ticksToPrice } from '../platform/core/units.js';
import type { Benchmark, BenchResult } from './types.js';
import { percentile } from './stats.js';

/** The seeded market trades around 1.5 × face value (the demo plan's face value is $0.02). */
const MARKET_TICKS = 300;
const MARKET_PRICE = ticksToPrice(MARKET_TICKS);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const HISTORY = 1_000_000;
const SCROLL_BACK = 100_000;
const LIVE_TRADES = 300;
const FIRST_PAINT_TARGET_MS = 1500;
const LIVE_TARGET_P99_MS = 16;
const SCROLL_TARGET_MS = 1000;
const STEP_S = 60; // 1m

const note = (line: string) => process.stderr.write(`chart bench: ${line}\n`);

async function* history(): AsyncIterable<BenchResult> {
  ensureRendererBuilt(ROOT, note);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-bench-'));
  const db_path = path.join(dir, 'platform.db');
  const platform = await startPlatform({ db_path, seed_demo: true, rate_limit: false });
  const seeded = seedCandles(db_path, '1m', HISTORY, platform.core.now_ms(), MARKET_TICKS);
  note(`platform seeded with ${HISTORY} candles of 1m`);
  const data_dir = path.join(dir, 'wallet');
  const demo = platform.demo_credentials!;
  await usePlatform(data_dir, openDefaultFileSecretStore(data_dir), platform.url, { key_id: demo.key_id, secret: demo.secret });
  const app = await startBrowserMode({ data_dir, platform_url: platform.url, web: true, port: 0 }, ROOT, 'bench');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const chart = page.getByTestId('price-chart');
    // First paint: navigation start to the chart's first painted window, on the Markets page.
    // The whole app from navigation (boot, connect, every store's load) to the chart's paint: context.
    await page.goto(app.web.url, { waitUntil: 'commit' });
    await page.locator('nav').waitFor();
    await page.keyboard.press('Alt+2');
    await chart.and(page.locator('[data-painted]')).waitFor({ timeout: 60_000 });
    yield { name: 'chart.app_load_to_chart_paint_ms', value: Math.round((await page.evaluate('performance.now()')) as number), unit: 'ms' };
    await page.getByTestId('connection-status').and(page.locator('[data-state="online"]')).waitFor({ timeout: 60_000 });

    // First paint: choosing 1m (the interval with 1,000,000 candles) until its window is painted.
    const t_open = Date.now();
    await page.getByRole('toolbar', { name: 'Candle interval' }).getByRole('button', { name: '1m' }).click();
    await chart.and(page.locator('[data-interval="1m"][data-painted][data-loading=""]')).waitFor({ timeout: 60_000 });
    const first_paint = Date.now() - t_open;
    const held = Number(await chart.getAttribute('data-held'));
    note(`first paint ${first_paint} ms, holding ${held} candles`);
    yield { name: 'chart.history_1m_first_paint_ms', value: first_paint, unit: 'ms', target: `<= ${FIRST_PAINT_TARGET_MS} ms`, ok: first_paint <= FIRST_PAINT_TARGET_MS };
    yield { name: 'chart.history_1m_held_candles', value: held, unit: 'candles' };

    // Live updates: another account buys from a resting sell of the wallet's account.
    await page.evaluate(`(() => {
      const el = document.querySelector('[data-testid="price-chart"]');
      window.__updates = [];
      new MutationObserver(() => window.__updates.push(Number(el.getAttribute('data-live-update-ms')))).observe(el, { attributes: true, attributeFilter: ['data-live-update-ms'] });
    })()`);
    const core = platform.core;
    // Market trades between two other accounts (most trades on a market are not the user's;
    // a fill of the user's own order also moves the orders, portfolio and tax views).
    const buyer = core.createAccount({});
    core.deposit(buyer.account_id, '100000');
    const seller = core.createAccount({});
    core.deposit(seller.account_id, '100000');
    // The seller buys its stock from the wallet's account first (not measured), then rests its sell.
    core.placeOrder(demo.account_id, { client_order_id: 'bench-stock-sell', side: 'sell', type: 'limit', quantity: '5', price: MARKET_PRICE, time_in_force: 'GTC' });
    core.placeOrder(seller.account_id, { client_order_id: 'bench-stock-buy', side: 'buy', type: 'limit', quantity: '5', price: MARKET_PRICE, time_in_force: 'IOC' });
    core.placeOrder(seller.account_id, { client_order_id: 'bench-rest', side: 'sell', type: 'limit', quantity: '5', price: MARKET_PRICE, time_in_force: 'GTC' });
    await new Promise((r) => setTimeout(r, 1000));
    await page.evaluate('window.__updates.length = 0');
    // CHART_BENCH_PROFILE=FILE: a CPU profile of the page during the live updates (.cpuprofile).
    const profile_file = process.env.CHART_BENCH_PROFILE;
    const cdp = profile_file ? await page.context().newCDPSession(page) : null;
    const trace_file = process.env.CHART_BENCH_TRACE;
    if (trace_file) await browser.startTracing(page, { path: trace_file, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8', 'disabled-by-default-devtools.timeline.frame'] });
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    for (let i = 0; i < LIVE_TRADES; i++) {
      core.placeOrder(buyer.account_id, { client_order_id: `bench-buy-${i}`, side: 'buy', type: 'limit', quantity: '0.01', price: MARKET_PRICE, time_in_force: 'IOC' });
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 500));
    if (cdp && profile_file) fs.writeFileSync(profile_file, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    if (trace_file) await browser.stopTracing();
    const updates = ((await page.evaluate('window.__updates')) as number[]).sort((a, b) => a - b);
    note(`${updates.length} live updates measured; slowest: ${updates.slice(-5).join(", ")} ms`);
    if (updates.length < 10) throw new Error(`only ${updates.length} live chart updates seen`);
    const p99 = percentile(updates, 99);
    yield { name: 'chart.history_1m_live_update_p50_ms', value: percentile(updates, 50), unit: 'ms' };
    yield { name: 'chart.history_1m_live_update_p99_ms', value: p99, unit: 'ms', target: `<= ${LIVE_TARGET_P99_MS} ms`, ok: p99 <= LIVE_TARGET_P99_MS };

    // Scroll back 100,000 candles: "Go to" that time, until its window is painted around it.
    const target_s = seeded.last_s - SCROLL_BACK * STEP_S;
    const painted_before = await chart.getAttribute('data-painted');
    await page.getByLabel('Go to (UTC)').fill(new Date(target_s * 1000).toISOString().slice(0, 16));
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    // (Page scripts are strings: this file is typechecked without the DOM library.)
    await page.waitForFunction(
      `(() => {
        const el = document.querySelector('[data-testid="price-chart"]');
        const from = Number(el.getAttribute('data-visible-from'));
        const to = Number(el.getAttribute('data-visible-to'));
        return el.getAttribute('data-painted') !== ${JSON.stringify(painted_before)} && from <= ${target_s} && ${target_s} <= to;
      })()`,
      null,
      { polling: 'raf', timeout: 30_000 },
    );
    const scroll_ms = Date.now() - t0;
    yield { name: 'chart.history_1m_scroll_back_ms', value: scroll_ms, unit: 'ms', target: `<= ${SCROLL_TARGET_MS} ms`, ok: scroll_ms <= SCROLL_TARGET_MS };
  } finally {
    await browser.close();
    await app.close();
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmarks: Benchmark[] = fs.existsSync(CHROMIUM) ? [{ name: 'chart.history_1m', run: history }] : [];
