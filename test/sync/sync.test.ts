import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../platform/index.js';
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
    const platform_balances = await r.client.getBalances();
    expect(platform_balances.as_of_seq).toBe(r.ledger.cursorSeq());
    const w = r.ledger.walletBalances();
    expect(w.usd).toBe(platform_balances.usd.total);
    expect(w.token).toBe(platform_balances.token.total);
    expect(w.credits).toBe(platform_balances.credits.available);
    expect(r.ledger.verify()).toMatchObject({ ok: true, quarantined: 0 });
    expect(r.ledger.candles('1m').length).toBeGreaterThan(0);

    const before = r.ledger.cursorSeq();
    await r.client.deposit({ amount_usd: '12.34' });
    await until(() => r.ledger.cursorSeq() > before, 5000, 'live deposit event');
    expect(r.ledger.recentEntries(1)[0]?.type).toBe('deposit');
    expect(r.engine.status().state).toBe('online');
  });
});
