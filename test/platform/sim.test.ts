import { describe, expect, it } from 'vitest';
import { PlatformCore } from '../../platform/core/core.js';
import { MarketSimulator } from '../../platform/sim/simulator.js';
import { backfill } from '../../platform/sim/backfill.js';
import { demoTrades, seedDemoAccount } from '../../platform/sim/demo.js';
import { parseDuration } from '../../platform/duration.js';
import { PlatformClient } from '../../electron/services/platform-client/index.js';
import { describeEngines, type Engine } from '../support/engines.js';

const T0 = Date.parse('2026-05-01T12:00:00Z');

async function run(engine: Engine, seed: number) {
  const clock = { t: T0 };
  let offset = 0;
  const core = await engine.core({ now_ms: () => clock.t + offset, config: { paranoid: true, period_ms: 600_000 } });
  const demo = seedDemoAccount(core, (ms) => (offset = ms));
  backfill(core, 2, seed);
  const sim = new MarketSimulator(core, { seed, demo_account_id: demo.account_id });
  sim.setup();
  for (let i = 0; i < 200; i++) {
    clock.t += 700;
    sim.step();
  }
  demoTrades(core, demo.account_id);
  return { core, demo };
}

describeEngines('market simulator', (engine) => {
  it('is deterministic for a seed and produces a moving, uncrossed market', async () => {
    const a = await run(engine, 42);
    const b = await run(engine, 42);
    const c = await run(engine, 43);
    const tail = (core: PlatformCore) => core.trades(undefined, 50).map((t) => [t.price, t.quantity, t.taker_side]);
    expect(tail(a.core)).toEqual(tail(b.core));
    expect(tail(a.core)).not.toEqual(tail(c.core));
    const live = a.core.trades(undefined, 1000).filter((t) => Date.parse(t.time) > T0);
    expect(live.length).toBeGreaterThan(20);
    expect(new Set(live.map((t) => t.price)).size).toBeGreaterThan(2);
    const tk = a.core.ticker();
    expect(tk.bid !== null && tk.ask !== null && Number(tk.bid) < Number(tk.ask)).toBe(true);
    expect(a.core.candles('1h', undefined, 100).candles.length).toBeGreaterThanOrEqual(48);
    a.core.checkInvariants();
  });

  it('seeds a demo account with past mints, cash, usage, fills and resting orders', async () => {
    const { core, demo } = await run(engine, 7);
    const types = core.getEvents(demo.account_id, 0, 5000).events.map((e) => e.type);
    expect(types.filter((t) => t === 'mint')).toHaveLength(2);
    expect(types).toContain('deposit');
    expect(types).toContain('fill');
    expect(core.listOrders(demo.account_id, 'open', 10).length).toBeGreaterThan(0);
    const mints = core.getEvents(demo.account_id, 0, 5000).events.filter((e) => e.type === 'mint');
    expect(mints.map((m) => (m as { tokens: string }).tokens)).toEqual(['387.5', '255']);
    // Past periods carry past times.
    expect(Date.parse(mints[0]!.time)).toBeLessThan(T0 - 600_000);
  });
});

describe('startPlatform and the CLI helpers', () => {
  it('parses durations', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1500')).toBe(1500);
    expect(() => parseDuration('10 minutes')).toThrow();
  });

});

describeEngines('startPlatform with the demo', (engine) => {
  it('starts with a demo account whose credentials work, and reuses it on restart', async () => {
    const at = await engine.location();
    const p = await engine.platform({ seed_demo: true, simulate: true, backfill_days: 1, period_ms: 600_000, sim_step_ms: 50 }, at);
    try {
      expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const c = new PlatformClient({ base_url: p.url, credentials: p.demo_credentials!, timeout_ms: 5000 });
      expect((await c.getAccount()).account_id).toBe(p.demo_credentials!.account_id);
      expect(Number((await c.getBalances()).token.total)).toBeGreaterThan(0);
    } finally {
      await p.close();
    }
    const again = await engine.platform({ seed_demo: true, simulate: true, period_ms: 600_000 }, at);
    try {
      expect(again.demo_credentials).toEqual(p.demo_credentials);
      again.core.checkInvariants();
    } finally {
      await again.close();
    }
  });
});
