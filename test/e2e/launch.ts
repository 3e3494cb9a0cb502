// Starts the app exactly as a user's `npm start` does (scripts/start.ts), in its own
// data folder, and waits for the browser-mode URL it prints.
import { expect, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface LaunchedApp {
  url: string;
  data_dir: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Upper bound on waiting for the URL; the product promise is 30 s on a fresh machine. */
const URL_WAIT_MS = 60_000;

export async function launchApp(extraArgs: string[] = [], data_dir = mkdtempSync(path.join(os.tmpdir(), 'cw-e2e-'))): Promise<LaunchedApp> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts', '--data-dir', data_dir, ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${URL_WAIT_MS} ms; output:\n${out}`)), URL_WAIT_MS);
    const check = () => {
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`app exited with ${code}:\n${out}`)); });
  });
  return {
    url,
    data_dir,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/**
 * Points a new wallet data folder (in `work`) at a running platform with its demo account,
 * as a user's `npm run wallet -- connect` does. Returns the data folder.
 */
export function connectWallet(work: string, platform: { url: string; demo_credentials?: unknown }): string {
  const creds = path.join(work, 'creds.json');
  writeFileSync(creds, JSON.stringify(platform.demo_credentials), { mode: 0o600 });
  const data_dir = path.join(work, 'wallet');
  const tsx = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
  const connect = spawnSync(process.execPath, [tsx, 'electron/cli/wallet.ts', 'connect', '--data-dir', data_dir, '--platform-url', platform.url, '--credentials', creds], { cwd: ROOT, encoding: 'utf8' });
  if (connect.status !== 0) throw new Error(`wallet connect failed (${connect.status}): ${connect.stderr}`);
  return data_dir;
}

/** Lines of the wallet's log kept in a failure message: enough to see the last sync attempts. */
const LOG_TAIL_LINES = 40;

/** The end of the wallet's own log (logs/wallet.log in its data folder). */
export function walletLogTail(app: LaunchedApp, lines = LOG_TAIL_LINES): string {
  const file = path.join(app.data_dir, 'logs', 'wallet.log');
  if (!existsSync(file)) return '(no wallet.log yet)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Waits for the status bar to say online. When it does not, the failure carries what the
 * status bar said and the wallet's log, so a slow or stuck sync in CI can be told apart.
 */
export async function expectOnline(page: Page, app: LaunchedApp, timeout_ms = 60_000): Promise<void> {
  const status = page.getByTestId('connection-status');
  try {
    await expect(status).toHaveAttribute('data-state', 'online', { timeout: timeout_ms });
  } catch (err) {
    const bar = await status.innerText({ timeout: 1000 }).catch(() => '(status bar not readable)');
    throw new Error(`${(err as Error).message}\n--- status bar:\n${bar}\n--- wallet log (last ${LOG_TAIL_LINES} lines):\n${walletLogTail(app)}\n--- app output (end):\n${app.output().slice(-2000)}`);
  }
}
