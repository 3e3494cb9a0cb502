// The shared rig of the browser benchmarks: a loopback platform with the demo account, the
// wallet in browser mode on it, and Debian's Chromium on the wallet's page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPlatform, type RunningPlatform, type StartPlatformOptions } from '../platform/index.js';
import { startBrowserMode, type BrowserMode } from '../electron/app/browser-mode.js';
import { usePlatform } from '../electron/app/platform-config.js';
import { openDefaultFileSecretStore } from '../electron/services/credentials/index.js';
import { ensureRendererBuilt } from '../scripts/renderer-build.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = '/usr/bin/chromium';

export interface Rig {
  platform: RunningPlatform;
  app: BrowserMode;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** A platform with the demo account, the wallet in browser mode on it, and Chromium on the page (not yet on Trade). */
export async function rig(note: (line: string) => void, platform_options: Partial<StartPlatformOptions> = {}): Promise<Rig> {
  ensureRendererBuilt(ROOT, note);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipe-bench-'));
  const platform = await startPlatform({ db_path: path.join(dir, 'platform.db'), seed_demo: true, rate_limit: false, ...platform_options });
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

/** Switches to the Trade screen and waits for the order book. */
export async function openTrade(page: Page, note: (line: string) => void): Promise<void> {
  await page.keyboard.press('Alt+3');
  await page.getByRole('region', { name: 'Order book' }).waitFor();
  note('Trade screen open');
}
