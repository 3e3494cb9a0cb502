// The market feed against the real platform on loopback: ticker, trades and the order book
// arrive over the public WebSocket; a sequence gap is never applied but answered by a fresh
// snapshot; the local book always equals the platform's.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { PlatformClient, PlatformStream } from '../../electron/services/platform-client/index.js';
import { LocalBook, MarketFeed, type BookUpdate, type MarketStream } from '../../electron/services/market/index.js';
import type { BookSnapshot, PublicTrade } from '../../shared/platform/api.js';
import { until } from '../orders/wallet-wiring.js';

const snap = (seq: number, bids: [string, string][], asks: [string, string][]): BookSnapshot => ({ symbol: 'TOKEN-USD', seq, bids, asks, time: new Date(0).toISOString() });

describe('LocalBook', () => {
  it('applies deltas in sequence only; a skipped seq is a gap and changes nothing', () => {
    const b = new LocalBook();
    expect(b.apply(1, [], 't')).toBe('gap'); // no snapshot yet
    b.reset(snap(5, [['1.0000', '2']], [['1.1000', '3']]));
    expect(b.apply(5, [{ side: 'buy', price: '0.9', quantity: '1' }], 't')).toBe('stale');
    expect(b.apply(7, [{ side: 'buy', price: '0.9', quantity: '1' }], 't')).toBe('gap');
    expect(b.snapshot('TOKEN-USD').bids).toEqual([['1.0000', '2']]);
    expect(b.apply(6, [{ side: 'buy', price: '1.0000', quantity: '0' }, { side: 'buy', price: '0.95', quantity: '4' }, { side: 'sell', price: '1.05', quantity: '1' }], 't')).toBe('applied');
    const s = b.snapshot('TOKEN-USD');
    expect(s.seq).toBe(6);
    expect(s.bids).toEqual([['0.95', '4']]);
    expect(s.asks).toEqual([['1.05', '1'], ['1.1000', '3']]);
  });
});

let platform: RunningPlatform | null = null;
let feed: MarketFeed | null = null;
afterEach(async () => {
  await feed?.stop();
  await platform?.close();
  feed = null;
  platform = null;
});

/** A stream that drops one chosen book delta, as a lossy network would. */
function droppingStream(inner: PlatformStream, drop_seq: { value: number }): MarketStream {
  return {
    on: ((name: string, listener: (x: never) => void) => {
      if (name !== 'book_delta') return inner.on(name as 'trade', listener as never);
      return inner.on('book_delta', (d) => {
        if (d.seq === drop_seq.value) return;
        (listener as (d: { seq: number; changes: unknown[] }) => void)(d);
      });
    }) as MarketStream['on'],
    connect: () => inner.connect(),
    close: () => inner.close(),
  };
}

describe('MarketFeed on a live platform', () => {
  it('pushes trades and book deltas, recovers from a dropped delta with a fresh snapshot, and ends equal to the platform book', async () => {
    platform = await startPlatform({ db_path: path.join(mkdtempSync(path.join(os.tmpdir(), 'cw-mkt-')), 'p.db'), port: 0, seed_demo: true });
    const core = platform.core;
    const maker = core.createAccount({});
    core.deposit(maker.account_id, '10000');
    const key = core.createApiKey(maker.account_id);
    const client = new PlatformClient({ base_url: platform.url, credentials: key, timeout_ms: 5000 });
    const updates: BookUpdate[] = [];
    const trades: PublicTrade[] = [];
    const drop = { value: -1 };
    feed = new MarketFeed({
      rest: new PlatformClient({ base_url: platform.url, timeout_ms: 5000 }),
      stream_factory: () => droppingStream(new PlatformStream({ base_url: platform!.url, channels: ['book', 'trades', 'ticker'], timeout_ms: 5000 }), drop),
      cache: { upsertCandles: () => 0, candles: () => [] },
      sinks: { ticker: () => {}, book: (u) => updates.push(u), trades: (t) => trades.push(...t) },
    });
    feed.start();
    await until('first snapshot', () => updates.some((u) => u.kind === 'snapshot'));
    for (let i = 0; i < 5; i++) await client.placeOrder({ client_order_id: `b${i}`, side: 'buy', type: 'limit', quantity: '1', price: `0.${50 + i}`, time_in_force: 'GTC' });
    await until('five deltas', () => feed!.stats().deltas_applied >= 5);
    expect(feed.stats().gaps).toBe(0);
    // Lose the next delta: the feed must not apply the one after it on a wrong book.
    drop.value = core.bookSeq() + 1;
    await client.placeOrder({ client_order_id: 'lost', side: 'buy', type: 'limit', quantity: '2', price: '0.60', time_in_force: 'GTC' });
    await client.placeOrder({ client_order_id: 'after', side: 'buy', type: 'limit', quantity: '1', price: '0.61', time_in_force: 'GTC' });
    await until('the gap answered', () => feed!.stats().gaps === 1 && feed!.orderBook(500)?.seq === core.bookSeq());
    expect(feed.orderBook(500)!.bids).toEqual(core.bookSnapshot(500).bids);
    expect(updates.filter((u) => u.kind === 'snapshot').length).toBe(2);
    // A trade on the tape (the demo account holds minted tokens).
    const seller = new PlatformClient({ base_url: platform.url, credentials: platform.demo_credentials!, timeout_ms: 5000 });
    await seller.placeOrder({ client_order_id: 's1', side: 'sell', type: 'limit', quantity: '1', price: '0.61', time_in_force: 'IOC' });
    await until('a trade', () => trades.length > 0);
    expect(feed.recentTrades()[0]!.price).toBe('0.61');
  });
});

describe('MarketFeed.wake', () => {
  it('reconnects at once when the platform is back, not after its backoff', async () => {
    const db_path = path.join(mkdtempSync(path.join(os.tmpdir(), 'cw-mkt-wake-')), 'p.db');
    platform = await startPlatform({ db_path, port: 0, seed_demo: true });
    const port = platform.port;
    const url = platform.url;
    feed = new MarketFeed({
      rest: new PlatformClient({ base_url: url, timeout_ms: 5000 }),
      stream_factory: () => new PlatformStream({ base_url: url, channels: ['book', 'trades', 'ticker'], timeout_ms: 5000 }),
      cache: { upsertCandles: () => 0, candles: () => [] },
      sinks: { ticker: () => {}, book: () => {}, trades: () => {} },
      backoff: { base_ms: 60_000, max_ms: 60_000, jitter: 0 }, // a reconnect would wait a minute
    });
    feed.start();
    await until('connected', () => feed!.stats().connected);
    await platform.close();
    await until('the socket gone', () => !feed!.stats().connected);
    feed.wake(); // while the platform is still down: it tries, fails, and waits again
    platform = await startPlatform({ db_path, port, seed_demo: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(feed.stats().connected).toBe(false); // the backoff alone would keep it down for a minute
    feed.wake();
    await until('connected again', () => feed!.stats().connected);
    await until('the book again', () => feed!.orderBook(500)?.seq === platform!.core.bookSeq());
  });
});
