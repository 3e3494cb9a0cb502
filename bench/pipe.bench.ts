// The view pipe end to end (issue #10), in browser mode with Debian's Chromium on loopback:
//  - pipe.fill_to_view_ms: another account fills a wallet order on the platform; time until
//    the Trade screen shows it filled (feed -> ledger -> onApplied -> push -> store -> DOM).
//  - market.book_deltas_1000_per_s: 1,000 order-book deltas/s for 10 s; deltas the renderer
//    applied, sequence gaps (0 on loopback) and the p99 frame time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPlatform, type RunningPlatform } from '../platform/index.js';
import { startBrowserMode, type BrowserMode } from '../electron/app/browser-mode.js';
import { usePlatform } from '../electron/app/platform-config.js';
import { openDefaultFileSecretStore } from '../electron/services/credentials/index.js';
import { PlatformClient } from '../electron/services/platform-client/index.js';
import { ensureRendererBuilt } from '../scripts/renderer-build.js';
import type { Benchmark, BenchResult } from './types.js';
import { percentile } from './stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const FILLS = 200;
const FILL_TARGET_P99_MS = 50;
const DELTAS_PER_S = 1000;
const DELTA_SECONDS = 10;
const FRAME_TARGET_P99_MS = 16.7;


interface Rig {
  platform: RunningPlatform;
  app: BrowserMode;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Progress on stderr (stdout carries only the JSON lines). */
const note = (line: string) => process.stderr.write(`pipe bench: ${line}\n`);

async function rig(): Promise<Rig> {
  ensureRendererBuilt(ROOT, note);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipe-bench-'));
  const platform = await startPlatform({ db_path: path.join(dir, 'platform.db'), seed_demo: true, rate_limit: false });
  const data_dir = path.join(dir, 'wallet');
  const { key_id, secret } = platform.demo_credentials!;
  await usePlatform(data_dir, openDefaultFileSecretStore(data_dir), platform.url, { key_id, secret });
  const app = await startBrowserMode({ data_dir, platform_url: platform.url, web: true, port: 0 }, ROOT, 'bench');
  note(`wallet in browser mode at ${app.web.origin}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  note('chromium started');
  await page.goto(app.web.url);
  await page.getByTestId('connection-status').and(page.locator('[data-state="online"]')).waitFor({ timeout: 60_000 });
  await page.keyboard.press('Alt+3');
  await page.getByRole('region', { name: 'Order book' }).waitFor();
  note('Trade screen open');
  return {
    platform,
    app,
    browser,
    page,
    close: async () => {
      await browser.close();
      await app.close();
      await platform.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function* fillToView(): AsyncIterable<BenchResult> {
  const r = await rig();
  try {
    const core = r.platform.core;
    const other = core.createAccount({});
    core.deposit(other.account_id, '100000');
    const buyer = new PlatformClient({ base_url: r.platform.url, credentials: core.createApiKey(other.account_id), timeout_ms: 10_000 });
    // The page notes (wall clock) when a row turns filled.
    // (Page scripts are strings: this file is typechecked without the DOM library.)
    await r.page.evaluate(`(() => {
      const seen = {};
      window.__filled = seen;
      new MutationObserver(() => {
        for (const tr of document.querySelectorAll('tr[data-state="filled"][data-client-order-id]')) {
          const id = tr.getAttribute('data-client-order-id');
          if (!(id in seen)) seen[id] = Date.now();
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    })()`);
    const lat: number[] = [];
    for (let i = 0; i < FILLS; i++) {
      const o = await r.app.wallet.handlers.placeOrder({ side: 'sell', type: 'limit', quantity: '1', price: '9.5', time_in_force: 'GTC' });
      await r.page.locator(`tr[data-client-order-id="${o.client_order_id}"][data-state="open"]`).waitFor({ timeout: 30_000 });
      const t0 = Date.now();
      await buyer.placeOrder({ client_order_id: `bench-buy-${i}`, side: 'buy', type: 'limit', quantity: '1', price: '9.5', time_in_force: 'IOC' });
      const shown = await r.page.waitForFunction((id) => (globalThis as unknown as { __filled: Record<string, number> }).__filled[id] ?? null, o.client_order_id, { polling: 5, timeout: 30_000 });
      lat.push(Number(await shown.jsonValue()) - t0);
      if ((i + 1) % 50 === 0) note(`${i + 1}/${FILLS} fills`);
    }
    lat.sort((a, b) => a - b);
    yield { name: 'pipe.fill_to_view_ms.p50', value: percentile(lat, 50), unit: 'ms' };
    const p99 = percentile(lat, 99);
    yield { name: 'pipe.fill_to_view_ms.p99', value: p99, unit: 'ms', target: `<= ${FILL_TARGET_P99_MS} ms`, ok: p99 <= FILL_TARGET_P99_MS };
  } finally {
    await r.close();
  }
}

async function* bookDeltas(): AsyncIterable<BenchResult> {
  const r = await rig();
  try {
    const core = r.platform.core;
    const mm = core.createAccount({});
    core.deposit(mm.account_id, '1000000');
    const book = r.page.getByRole('region', { name: 'Order book' });
    const before = { applied: Number(await book.getAttribute('data-deltas-applied')) };
    // Frame times in the page for the whole run.
    await r.page.evaluate(`(() => {
      window.__frames = [];
      window.__stop = false;
      let last = performance.now();
      const tick = (t) => {
        window.__frames.push(t - last);
        last = t;
        if (!window.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    // Each core call is one committed change: one book delta. Rest bids below the market
    // and cancel them again, 10 every 10 ms.
    const resting: string[] = [];
    const t_end = Date.now() + DELTA_SECONDS * 1000;
    let n = 0;
    const seq0 = core.bookSeq();
    while (Date.now() < t_end) {
      const due = Math.min(DELTAS_PER_S * DELTA_SECONDS, Math.floor(((Date.now() - (t_end - DELTA_SECONDS * 1000)) / 1000) * DELTAS_PER_S));
      while (n < due) {
        if (resting.length >= 50) core.cancelOrder(mm.account_id, resting.shift()!);
        else resting.push(core.placeOrder(mm.account_id, { client_order_id: `mm-${n}`, side: 'buy', type: 'limit', quantity: '1', price: (0.1 + (n % 50) * 0.001).toFixed(4), time_in_force: 'GTC' }).order.order_id);
        n++;
      }
      await new Promise((res) => setTimeout(res, 10));
    }
    const deltas_sent = core.bookSeq() - seq0;
    const book_seq = core.bookSeq();
    await book.and(r.page.locator(`[data-seq="${book_seq}"]`)).waitFor({ timeout: 30_000 });
    const frames = ((await r.page.evaluate(`(() => { window.__stop = true; return window.__frames; })()`)) as number[]).sort((a, b) => a - b);
    const applied = Number(await book.getAttribute('data-deltas-applied')) - before.applied;
    const gaps = Number(await book.getAttribute('data-gaps'));
    yield { name: 'market.book_deltas_1000_per_s.sent', value: deltas_sent, unit: 'deltas' };
    yield { name: 'market.book_deltas_1000_per_s.applied', value: applied, unit: 'deltas', target: `= ${deltas_sent} sent`, ok: applied === deltas_sent };
    yield { name: 'market.book_deltas_1000_per_s.gaps', value: gaps, unit: 'gaps', target: '= 0', ok: gaps === 0 };
    const p99 = percentile(frames, 99);
    yield { name: 'market.book_deltas_1000_per_s.frame_p99_ms', value: Math.round(p99 * 10) / 10, unit: 'ms', target: `<= ${FRAME_TARGET_P99_MS} ms`, ok: p99 <= FRAME_TARGET_P99_MS };
  } finally {
    await r.close();
  }
}

export const benchmarks: Benchmark[] = fs.existsSync(CHROMIUM)
  ? [
      { name: 'pipe.fill_to_view_ms', run: fillToView },
      { name: 'market.book_deltas_1000_per_s', run: bookDeltas },
    ]
  : [];
