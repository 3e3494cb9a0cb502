// Faults between the wallet and the real platform (through a loopback fault proxy):
// duplicated, reordered, gapped and malformed events, 5xx, timeouts, cut responses,
// a stream that dies or goes silent, the platform down and back, a wallet restart.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../electron/services/platform-client/index.js';
import type { SyncEngineOptions, SyncStatus } from '../../electron/services/sync/index.js';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { FaultProxy } from './fault-proxy.js';
import { platform, rig, tempDir, until, type Rig } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  p: RunningPlatform;
  proxy: FaultProxy;
  r: Rig;
  direct: PlatformClient;
  ledger_path: string;
  states: SyncStatus['state'][];
  errors: string[];
}

async function setup(extra: Partial<SyncEngineOptions> = {}, client_timeout_ms = 2000, p_in?: RunningPlatform): Promise<Setup> {
  const p = p_in ?? (await platform());
  if (!p_in) cleanups.push(() => p.close());
  const proxy = await FaultProxy.start(p.url);
  cleanups.push(() => proxy.close());
  const creds = p.demo_credentials;
  if (!creds) throw new Error('no demo account');
  const ledger_path = path.join(tempDir(), 'ledger.db');
  const r = rig(proxy.url, creds, ledger_path, extra, client_timeout_ms);
  cleanups.push(() => r.close());
  const states: SyncStatus['state'][] = [];
  const errors: string[] = [];
  r.engine.onStatus((s) => {
    if (states[states.length - 1] !== s.state) states.push(s.state);
    if (s.last_error) errors.push(s.last_error);
  });
  const direct = new PlatformClient({ base_url: p.url, credentials: creds, timeout_ms: 2000 });
  return { p, proxy, r, direct, ledger_path, states, errors };
}

async function expectMatchesPlatform(s: Setup): Promise<void> {
  const b = await s.direct.getBalances();
  expect(s.r.ledger.cursorSeq()).toBe(b.as_of_seq);
  const w = s.r.ledger.walletBalances();
  expect({ usd: w.usd, token: w.token, credits: w.credits }).toEqual({ usd: b.usd.total, token: b.token.total, credits: b.credits.available });
  expect(s.r.ledger.verify()).toMatchObject({ ok: true, problems: [] });
}

async function firstEventOfType(direct: PlatformClient, type: string): Promise<number> {
  const page = await direct.getEvents({ after: 0, limit: 1000 });
  const e = page.events.find((x) => x.type === type);
  if (!e) throw new Error(`no ${type} event in the demo account`);
  return e.seq;
}

describe('sync under faults', () => {
  it('ignores duplicated events and applies reordered ones in order', async () => {
    const s = await setup({ page_limit: 7 });
    s.proxy.faults.events = (events) => [...events, ...events.slice(0, 3)].reverse();
    s.r.engine.start();
    await s.r.engine.whenSynced(10_000);
    await expectMatchesPlatform(s);
    expect(s.r.ledger.quarantineCount()).toBe(0);
    expect(s.r.engine.mismatches()).toEqual([]);
  });

  it('refetches a transient gap and ends with nothing missing', async () => {
    const s = await setup({ page_limit: 5 });
    const dropped = await firstEventOfType(s.direct, 'deposit');
    let drops = 2;
    s.proxy.faults.events = (events) => events.filter((e) => !((e as { seq: number }).seq === dropped && drops-- > 0));
    s.r.engine.start();
    await s.r.engine.whenSynced(10_000);
    expect(drops).toBeLessThanOrEqual(0); // the event really was withheld twice
    await expectMatchesPlatform(s);
    expect(s.r.ledger.quarantineCount()).toBe(0);
  });

  it('quarantines a persistently missing event, shows the mismatch, and keeps syncing', async () => {
    const s = await setup({ page_limit: 5, gap_refetch_max: 2 });
    const dropped = await firstEventOfType(s.direct, 'deposit');
    s.proxy.faults.events = (events) => events.filter((e) => (e as { seq: number }).seq !== dropped);
    s.r.engine.start();
    const st = await s.r.engine.whenSynced(10_000);
    expect(s.r.ledger.quarantined(10).find((q) => q.seq === dropped)?.reason).toMatch(/missing: .*after 2 refetches/);
    expect(st.open_mismatches).toBeGreaterThan(0);
    const m = s.r.engine.mismatches().find((x) => x.commodity === 'USD');
    expect(m?.detail).toMatch(/local .*, platform /);
    expect(s.r.ledger.verify().ok).toBe(true);
    // Later events still arrive.
    const before = s.r.ledger.cursorSeq();
    await s.direct.deposit({ amount_usd: '1' });
    await until(() => s.r.ledger.cursorSeq() > before, 5000, 'event after the quarantined one');
  });

  it('quarantines a malformed event (page bisected down to it) and applies the rest', async () => {
    const s = await setup();
    const bad = await firstEventOfType(s.direct, 'deposit');
    s.proxy.faults.events = (events) => events.map((e) => ((e as { seq: number }).seq === bad ? { ...(e as object), amount_usd: 100 } : e));
    s.r.engine.start();
    await s.r.engine.whenSynced(10_000);
    const q = s.r.ledger.quarantined(10);
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ seq: bad });
    expect(q[0]?.reason).toMatch(/invalid event from the platform/);
    const platform_last = (await s.direct.getBalances()).as_of_seq;
    expect(s.r.ledger.cursorSeq()).toBe(platform_last);
    expect(s.r.ledger.walletBalances().entry_count).toBe(platform_last - 1);
    expect(s.r.ledger.verify().ok).toBe(true);
  });

  it('a malformed page that heals on retry quarantines nothing', async () => {
    const s = await setup();
    let bad_pages = 1;
    s.proxy.faults.events = (events) => (bad_pages-- > 0 ? events.map((e) => ({ ...(e as object), seq: 'x' })) : events);
    s.r.engine.start();
    await s.r.engine.whenSynced(10_000);
    await expectMatchesPlatform(s);
    expect(s.r.ledger.quarantineCount()).toBe(0);
  });

  it('rides out 5xx, timeouts and responses cut mid-body', async () => {
    const s = await setup({}, 300);
    s.proxy.faults.http_5xx = 3;
    s.proxy.faults.hang = 2;
    s.proxy.faults.truncate = 2;
    s.r.engine.start();
    await s.r.engine.whenSynced(15_000);
    await expectMatchesPlatform(s);
    expect(s.states).toContain('offline');
    expect(s.errors.some((e) => /unavailable|503/.test(e))).toBe(true);
    expect(s.errors.some((e) => /timeout/.test(e))).toBe(true);
  });

  it('reconnects when the stream dies mid-stream or goes silent, and catches up', async () => {
    const s = await setup();
    s.r.engine.start();
    await s.r.engine.whenSynced(10_000);
    s.states.length = 0;
    s.proxy.killStreams();
    await s.direct.deposit({ amount_usd: '2.5' });
    await until(async () => s.r.ledger.cursorSeq() === (await s.direct.getBalances()).as_of_seq && s.r.engine.status().state === 'online', 10_000, 'catch-up after kill');
    expect(s.states).toContain('offline');
    s.states.length = 0;
    s.proxy.freezeStreams();
    await s.direct.deposit({ amount_usd: '3.5' });
    await until(async () => s.r.ledger.cursorSeq() === (await s.direct.getBalances()).as_of_seq && s.states.includes('offline') && s.r.engine.status().state === 'online', 10_000, 'catch-up after silence');
    expect(s.errors.some((e) => /no heartbeat/.test(e))).toBe(true);
    await expectMatchesPlatform(s);
  });

  it('keeps the ledger readable while the platform is down and catches up when it returns', async () => {
    const s = await setup();
    s.r.engine.start();
    await s.r.engine.whenSynced(10_000);
    const shown = s.r.ledger.walletBalances();
    s.proxy.setDown(true);
    s.proxy.killStreams();
    await until(() => s.r.engine.status().state === 'offline', 5000, 'offline');
    await s.direct.deposit({ amount_usd: '7' });
    expect(s.r.ledger.walletBalances()).toEqual(shown);
    expect(s.r.ledger.recentEntries(5).length).toBe(5);
    expect(s.r.engine.status().last_error).not.toBeNull();
    s.proxy.setDown(false);
    await s.r.engine.whenSynced(10_000);
    await expectMatchesPlatform(s);
  });

  it('resumes from the committed cursor after a restart and fetches only new candles', async () => {
    const s = await setup();
    s.r.engine.start();
    await s.r.engine.whenSynced(10_000);
    const cursor = s.r.ledger.cursorSeq();
    // Market data fills beside the stream: candles first, then trades.
    await until(() => s.r.ledger.recentTrades(10).length > 0, 5000, 'trades cached');
    const first_candle_requests = s.proxy.requests.filter((u) => u.startsWith('/v1/candles')).length;
    expect(first_candle_requests).toBeGreaterThan(1); // a day of 1m candles takes several pages
    await s.r.close();
    await s.direct.deposit({ amount_usd: '4' });
    s.proxy.requests.length = 0;
    const creds = s.p.demo_credentials as { key_id: string; secret: string };
    const again = rig(s.proxy.url, creds, s.ledger_path);
    cleanups.push(() => again.close());
    expect(again.ledger.cursorSeq()).toBe(cursor);
    again.engine.start();
    await again.engine.whenSynced(10_000);
    const event_requests = s.proxy.requests.filter((u) => u.startsWith('/v1/events'));
    expect(event_requests[0]).toMatch(new RegExp(`after=${cursor}(&|$)`));
    await until(() => s.proxy.requests.some((u) => u.startsWith('/v1/trades')), 5000, 'the trades fetch');
    expect(s.proxy.requests.filter((u) => u.startsWith('/v1/candles'))).toHaveLength(1);
    expect(s.proxy.requests.filter((u) => u.startsWith('/v1/trades'))).toHaveLength(1); // stops at the first known trade
    expect(again.ledger.recentEntries(1)[0]?.type).toBe('deposit');
    expect(again.ledger.verify().ok).toBe(true);
  });
});

/**
 * A platform on a file with a wallet rig on it, both closed after the test; `restart()` starts
 * the platform again on the same port and file (after the test has closed it).
 */
async function restartable(extra: Parameters<typeof rig>[3] = {}) {
  const dir = tempDir();
  const db_path = path.join(dir, 'platform.db');
  const start = (port: number) => startPlatform({ port, db_path, seed_demo: true, rate_limit: false, ws: { heartbeat_ms: 100 } });
  const w = { p: await start(0) };
  const port = w.p.port;
  const creds = w.p.demo_credentials as { key_id: string; secret: string };
  const r = rig(w.p.url, creds, path.join(dir, 'ledger.db'), extra);
  cleanups.push(async () => {
    await r.close();
    await w.p.close();
  });
  return { r, creds, platform: () => w.p, restart: async () => (w.p = await start(port)) };
}

describe('platform process restart', () => {
  it('shows synced balances with the platform stopped and catches up when the same platform returns', async () => {
    const { r, creds, platform, restart } = await restartable();
    r.engine.start();
    await r.engine.whenSynced(10_000);
    const shown = r.ledger.walletBalances();
    await platform().close();
    await until(() => r.engine.status().state === 'offline', 5000, 'offline');
    expect(r.ledger.walletBalances()).toEqual(shown);
    const p = await restart();
    await new PlatformClient({ base_url: p.url, credentials: creds, timeout_ms: 2000 }).deposit({ amount_usd: '9.99' });
    await until(() => r.ledger.cursorSeq() > shown.cursor_seq, 10_000, 'catch-up after platform restart');
    await r.engine.whenSynced(10_000);
    expect(r.ledger.recentEntries(1)[0]?.type).toBe('deposit');
    expect(r.ledger.verify().ok).toBe(true);
    expect(r.engine.mismatches()).toEqual([]);
  });
});

describe('retry now', () => {
  it('offline, cuts the backoff short: the wallet is back as soon as asked, not a minute later', async () => {
    // The second failed attempt waits 30-60 s: only retryNow brings it back within the test.
    const { r, platform, restart } = await restartable({ backoff_initial_ms: 60_000, backoff_max_ms: 60_000 });
    expect(r.engine.retryNow()).toBe(false); // not started: nothing to cut short
    r.engine.start();
    await r.engine.whenSynced(10_000);
    expect(r.engine.retryNow()).toBe(false); // online: nothing to retry
    await platform().close();
    await until(() => r.engine.status().state === 'offline', 5000, 'offline');
    await restart();
    await new Promise((res) => setTimeout(res, 300));
    expect(r.engine.status().state).toBe('offline'); // still waiting out its backoff
    expect(r.engine.retryNow()).toBe(true);
    await r.engine.whenSynced(10_000);
  });
});
