// Issue 13, item 1: two wallet processes on one data folder. The first one has orders in
// flight (the platform answers slowly); a second one started on the same folder used to mark
// them unknown, miss them in the lookup and send them again. Now it is refused at start,
// says which process holds the folder, exits non-zero, and every order reaches the platform
// exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { openDefaultFileSecretStore } from '../../electron/services/credentials/index.js';
import { usePlatform } from '../../electron/app/platform-config.js';
import { FaultProxy } from '../sync/fault-proxy.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ORDERS = 5;
const ORDER_DELAY_MS = 1500;

interface Child { proc: ChildProcess; out: string[]; err: string[]; exit: Promise<number | string | null> }

function wallet(data_dir: string, key_dir: string, place: number): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/db/wallet-child.ts', '--data-dir', data_dir, '--place', String(place)], {
    cwd: ROOT,
    env: { ...process.env, XDG_STATE_HOME: key_dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  proc.stdout!.on('data', (b: Buffer) => out.push(...b.toString().split('\n').filter(Boolean)));
  proc.stderr!.on('data', (b: Buffer) => err.push(b.toString()));
  return { proc, out, err, exit: new Promise((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal))) };
}

async function until(what: string, cond: () => boolean, timeout_ms = 30_000): Promise<void> {
  for (const t0 = Date.now(); !cond(); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() - t0 > timeout_ms) throw new Error(`timed out waiting for ${what}`);
  }
}

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

describe('one wallet process per data folder', () => {
  it('refuses a second process while the first has orders in flight: 0 duplicates', async () => {
    const platform: RunningPlatform = await startPlatform({ db_path: ':memory:', rate_limit: false, ws: { heartbeat_ms: 200 } });
    cleanup.push(() => platform.close());
    const { account_id } = platform.core.createAccount();
    const credentials = platform.core.createApiKey(account_id);
    platform.core.deposit(account_id, '100');
    const proxy = await FaultProxy.start(platform.url);
    cleanup.push(() => proxy.close());
    proxy.faults.delay_ms = (method, p) => (method === 'POST' && p === '/v1/orders' ? ORDER_DELAY_MS : 0);

    const data_dir = mkdtempSync(path.join(os.tmpdir(), 'cw-one-'));
    const key_dir = mkdtempSync(path.join(os.tmpdir(), 'cw-one-key-'));
    await usePlatform(data_dir, openDefaultFileSecretStore(data_dir, path.join(key_dir, 'compute-wallet')), proxy.url, credentials);

    const a = wallet(data_dir, key_dir, ORDERS);
    cleanup.push(() => a.proc.kill('SIGKILL'));
    await until('the first wallet to place its orders', () => a.out.filter((l) => l.startsWith('placed ')).length === ORDERS);
    const placed = a.out.filter((l) => l.startsWith('placed ')).map((l) => l.slice('placed '.length));
    // The orders are on their way (held by the slow link), none on the platform yet.
    expect(platform.core.listOrders(account_id, 'all', 100)).toHaveLength(0);

    const b = wallet(data_dir, key_dir, 0);
    cleanup.push(() => b.proc.kill('SIGKILL'));
    let b_exit: number | string | null | undefined;
    void b.exit.then((code) => (b_exit = code));
    await until('the second wallet to stop or start', () => b_exit !== undefined || b.out.includes('started'));

    await until('every order on the platform', () => platform.core.listOrders(account_id, 'all', 100).length >= ORDERS);
    await new Promise((r) => setTimeout(r, ORDER_DELAY_MS + 500)); // room for a duplicate to arrive, if one was sent
    const on_platform = platform.core.listOrders(account_id, 'all', 100);
    const per_id = new Map<string, number>();
    for (const o of on_platform) per_id.set(o.client_order_id, (per_id.get(o.client_order_id) ?? 0) + 1);
    expect([...per_id.keys()].sort()).toEqual([...placed].sort());
    expect([...per_id.values()].filter((n) => n > 1)).toEqual([]); // 0 duplicates
    // Order creations the proxy saw: one per order (no resend reached even the link).
    expect(proxy.requests.filter((r) => r === '/v1/orders')).toHaveLength(ORDERS);
    // Because the second process never started: it said who holds the folder and exited 1.
    expect(b.out).not.toContain('started');
    expect(b_exit).toBe(1);
    expect(b.err.join('')).toMatch(new RegExp(`in use by another Compute Wallet process \\(pid ${a.proc.pid}, browser mode, since \\d{4}-`));

    // A clean stop frees the folder for the next start.
    a.proc.kill('SIGTERM');
    expect(await a.exit).toBe(0);
    const c = wallet(data_dir, key_dir, 0);
    cleanup.push(() => c.proc.kill('SIGKILL'));
    await until('the next wallet to start', () => c.out.includes('started'));
    c.proc.kill('SIGTERM');
    expect(await c.exit, c.err.join('')).toBe(0);
  });
});
