// A heartbeat names the book seq of the last book message the platform sent, not one it has
// committed but not yet announced: with PostgreSQL a commit is announced after its flush, and a
// heartbeat in between must not look like a lost delta (a false gap, answered by a needless
// fresh snapshot). Run on both engines, with a heartbeat every millisecond during a burst.
import { expect, it } from 'vitest';
import { PlatformClient, PlatformStream } from '../../electron/services/platform-client/index.js';
import { MarketFeed, type BookUpdate } from '../../electron/services/market/index.js';
import { describeEngines } from '../support/engines.js';
import { until } from '../orders/wallet-wiring.js';

const ORDERS = 300;

describeEngines('order book heartbeats during a burst of orders', (engine) => {
  it('bring no false gap: every delta applied, no fresh snapshot, the same book as the platform', async () => {
    const platform = await engine.platform({ rate_limit: false, ws: { heartbeat_ms: 1 } });
    const updates: BookUpdate[] = [];
    const feed = new MarketFeed({
      rest: new PlatformClient({ base_url: platform.url, timeout_ms: 5000 }),
      stream_factory: () => new PlatformStream({ base_url: platform.url, channels: ['book'], timeout_ms: 5000 }),
      cache: { upsertCandles: () => 0, candles: () => [] },
      sinks: { ticker: () => {}, book: (u) => updates.push(u), trades: () => {} },
    });
    try {
      feed.start();
      await until('first snapshot', () => updates.some((u) => u.kind === 'snapshot'));
      const core = platform.core;
      const maker = core.createAccount({});
      core.deposit(maker.account_id, '100000');
      const key = core.createApiKey(maker.account_id);
      const client = new PlatformClient({ base_url: platform.url, credentials: key, timeout_ms: 5000 });
      // Eight in flight: commits, flushes and heartbeats interleave.
      for (let i = 0; i < ORDERS; i += 8) {
        await Promise.all(Array.from({ length: 8 }, (_, k) => client.placeOrder({ client_order_id: `h${i + k}`, side: 'buy', type: 'limit', quantity: '1', price: `0.${String(10 + ((i + k) % 80)).padStart(2, '0')}`, time_in_force: 'GTC' })));
      }
      await until('every delta', () => feed.orderBook(500)?.seq === core.bookSeq());
      expect(feed.stats().gaps).toBe(0);
      expect(updates.filter((u) => u.kind === 'snapshot').length).toBe(1);
      expect(feed.orderBook(500)!.bids).toEqual(core.bookSnapshot(500).bids);
    } finally {
      await feed.stop();
    }
  });
});

