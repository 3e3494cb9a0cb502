// The demo account: a subscriber with two past periods (tokens minted from unused
// credits), a cash deposit, some trades and resting orders, so the wallet shows live data
// at once. Past periods are played with the clock shifted back (`shift_clock`), so their
// events carry realistic past times.
import type { PlatformCore } from '../core/core.js';
import { PlatformError } from '../core/errors.js';
import { priceToTicks, ticksToPrice } from '../core/units.js';

export interface DemoCredentials {
  key_id: string;
  secret: string;
  account_id: string;
}

const META_KEY = 'demo_account';

/** Finds the demo account created by an earlier run on this database. */
export function existingDemo(core: PlatformCore): DemoCredentials | null {
  const row = core.store.getMeta(META_KEY);
  if (!row) return null;
  const { account_id, key_id } = JSON.parse(row) as { account_id: string; key_id: string };
  const key = core.apiKey(key_id);
  return key ? { account_id, key_id, secret: key.secret } : null;
}

/** Creates the demo account and plays its two past periods. `shift_clock(ms)` offsets the core clock. */
export function seedDemoAccount(core: PlatformCore, shift_clock: (offset_ms: number) => void): DemoCredentials {
  const existing = existingDemo(core);
  if (existing) return existing;
  const period = core.config.period_ms;
  const now = core.now_ms();
  const start = now - 2 * period - Math.floor(period / 4);
  try {
    shift_clock(start + 1000 - now);
    const { account_id } = core.createAccount({ start_ms: start });
    core.recordUsage(account_id, '612.5');
    shift_clock(start + period + 1000 - now);
    core.tick(); // closes period 0: mints 387.5 tokens
    core.recordUsage(account_id, '745');
    shift_clock(start + 2 * period + 1000 - now);
    core.tick(); // closes period 1: mints 255 tokens
    shift_clock(0);
    core.deposit(account_id, '1000');
    core.recordUsage(account_id, '120');
    const { key_id, secret } = core.createApiKey(account_id);
    core.store.setMeta(META_KEY, JSON.stringify({ account_id, key_id }));
    return { key_id, secret, account_id };
  } finally {
    shift_clock(0);
  }
}

/** Gives the demo account a few fills and resting orders against the (simulated) book. */
export function demoTrades(core: PlatformCore, account_id: string): void {
  const mid = priceToTicks(core.marketPrice())!;
  const place = (client_order_id: string, req: Omit<Parameters<PlatformCore['placeOrder']>[1], 'client_order_id'>) => {
    try {
      core.placeOrder(account_id, { client_order_id, ...req });
    } catch (e) {
      if (!(e instanceof PlatformError)) throw e;
    }
  };
  place('demo-buy-1', { side: 'buy', type: 'market', quantity: '40', time_in_force: 'IOC', protection_price: ticksToPrice(Math.round(mid * 1.05)) });
  place('demo-sell-1', { side: 'sell', type: 'market', quantity: '25', time_in_force: 'IOC', protection_price: ticksToPrice(Math.max(1, Math.round(mid * 0.95))) });
  place('demo-bid-1', { side: 'buy', type: 'limit', price: ticksToPrice(Math.max(1, Math.round(mid * 0.9))), quantity: '50', time_in_force: 'GTC' });
  place('demo-ask-1', { side: 'sell', type: 'limit', price: ticksToPrice(Math.round(mid * 1.12)), quantity: '100', time_in_force: 'GTC' });
}
