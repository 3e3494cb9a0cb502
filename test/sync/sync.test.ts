import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../platform/index.js';
import { createSyncLogger } from '../../electron/services/sync/index.js';
import { platform, rig, tempDir, until, type Rig } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(): Promise<{ p: RunningPlatform; r: Rig; dir: string }> {
  const p = await platform();
  cleanups.push(() => p.close());
  const dir = tempDir();
  const creds = p.demo_credentials;
  if (!creds) throw new Error('no demo account');
  const r = rig(p.url, creds, path.join(dir, 'ledger.db'));
  cleanups.push(() => r.close());
  return { p, r, dir };
}

describe('sync against the real platform', () => {
  it('catches up, reconciles with no mismatch, caches market data, then follows live events', async () => {
    const { r } = await start();
    r.engine.start();
    const s = await r.engine.whenSynced(10_000);
    expect(s).toMatchObject({ state: 'online', events_behind: 0, last_error: null, open_mismatches: 0 });
    const states: string[] = [];
    r.engine.onStatus((x) => states.push(x.state));
    const platform_balances = await r.client.getBalances();
    expect(platform_balances.as_of_seq).toBe(r.ledger.cursorSeq());
    const w = r.ledger.walletBalances();
    expect(w.usd).toBe(platform_balances.usd.total);
    expect(w.token).toBe(platform_balances.token.total);
    expect(w.credits).toBe(platform_balances.credits.available);
    expect(r.ledger.verify()).toMatchObject({ ok: true, quarantined: 0 });
    await until(() => r.ledger.candles('1m').length > 0, 5000, 'candles cached beside the stream');

    const before = r.ledger.cursorSeq();
    await r.client.deposit({ amount_usd: '12.34' });
    await until(() => r.ledger.cursorSeq() > before, 5000, 'live deposit event');
    expect(r.ledger.recentEntries(1)[0]?.type).toBe('deposit');
    // Followed live: never offline (a refetch may show "syncing" for a moment, then online).
    await until(() => r.engine.status().state === 'online', 5000, 'online after the deposit');
    expect(states).not.toContain('offline');
  });

  it('goes online without waiting for the market-data cache, which fills beside the stream', async () => {
    const p = await platform();
    cleanups.push(() => p.close());
    const creds = p.demo_credentials!;
    const dir = tempDir();
    const base = rig(p.url, creds, path.join(dir, 'probe.db'));
    cleanups.push(() => base.close());
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let candle_calls = 0;
    // The real client, but the candle history answers only once released (a slow first sync).
    const client = Object.create(base.client) as typeof base.client;
    client.getCandles = async (q) => {
      candle_calls += 1;
      await held;
      return base.client.getCandles(q);
    };
    const r = rig(p.url, creds, path.join(dir, 'ledger.db'), { client });
    cleanups.push(() => r.close());
    r.engine.start();
    const s = await r.engine.whenSynced(10_000);
    expect(s.state).toBe('online');
    expect(candle_calls).toBe(1); // asked, still waiting, and online all the same
    expect(r.ledger.candles('1m').length).toBe(0);
    release();
    await until(() => r.ledger.candles('1m').length > 0, 5000, 'candles after release');
    expect(r.engine.status().state).toBe('online');
  });

  it('never writes the API secret into the ledger or the logs', async () => {
    const p = await platform();
    cleanups.push(() => p.close());
    const creds = p.demo_credentials as { key_id: string; secret: string };
    const dir = tempDir();
    const lines: string[] = [];
    const logger = createSyncLogger({ write: (s: string) => void lines.push(s) }, 'debug');
    logger.warn({ credentials: creds, secret: creds.secret }, 'redaction check');
    const r = rig(p.url, creds, path.join(dir, 'ledger.db'), { logger });
    cleanups.push(() => r.close());
    r.engine.start();
    await r.engine.whenSynced(10_000);
    await r.engine.stop();
    r.ledger.close();
    for (const f of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, f)).includes(creds.secret)).toBe(false);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(creds.secret);
    expect(lines.join('\n')).toContain('[redacted]');
  });
});
