// The ledger's named reads of the feed's orders (ledger.feedOrders()): the latest state of
// each platform order, so the order service never reads the ledger's `orders` table.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../electron/services/ledger/index.js';
import type { AccountEvent } from '../../shared/platform/events.js';
import { tempDir } from './helpers.js';

const time = '2026-03-01T10:00:00.000Z';
type Status = 'open' | 'partially_filled' | 'filled' | 'canceled';
const order = (seq: number, n: number, status: Status, filled: string, price_usd: string | null = '0.03'): AccountEvent => ({
  id: `e${seq}`, seq, account_id: 'a', time, type: 'order', order_id: `o${n}`, client_order_id: `c${n}`, status,
  side: 'sell', order_type: price_usd === null ? 'market' : 'limit', price_usd, quantity: '10', filled_quantity: filled, reason: null,
});

describe('ledger feed orders', () => {
  it('answers live orders newest change first, by platform id and by client id, with their latest state', () => {
    const l = openLedger({ path: path.join(tempDir(), 'ledger.db') });
    try {
      l.ingest([
        order(1, 1, 'open', '0'),
        order(2, 2, 'open', '0'),
        order(3, 3, 'open', '0'),
        order(4, 1, 'partially_filled', '4'),
        order(5, 2, 'filled', '10'),
        order(6, 3, 'canceled', '0'),
        order(7, 4, 'open', '0', '0.05'),
      ]);
      const feed = l.feedOrders();
      expect(feed.allLive().map((o) => [o.order_id, o.status, o.filled_quantity, o.last_seq])).toEqual([
        ['o4', 'open', '0', 7],
        ['o1', 'partially_filled', '4', 4],
      ]);
      expect(feed.live(1).map((o) => o.order_id)).toEqual(['o4']);
      expect(feed.byId('o2')).toMatchObject({ client_order_id: 'c2', status: 'filled', filled_quantity: '10', last_seq: 5 });
      expect(feed.byClientId('c4')).toMatchObject({ order_id: 'o4', price_usd: '0.05', side: 'sell', order_type: 'limit' });
      expect(feed.byId('nope')).toBeUndefined();
      expect(() => feed.live(0)).toThrow(/bad limit/);
    } finally {
      l.close();
    }
  });
});
