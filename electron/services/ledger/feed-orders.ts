// The ledger's `orders` table (the latest order event of each platform order) as named reads,
// so a module that needs the feed's view of an order (the order service: orders placed
// elsewhere, catch-up after a restart) asks the ledger instead of reading its table.
import type Database from 'better-sqlite3';
import { assert } from '../../../shared/assert.js';

/** The latest state of one platform order, as the account's order events last showed it. */
export interface FeedOrder {
  order_id: string;
  client_order_id: string;
  status: string;
  side: 'buy' | 'sell';
  order_type: 'limit' | 'market';
  price_usd: string | null;
  quantity: string;
  filled_quantity: string;
  reason: string | null;
  /** Seq of the order event this state comes from. */
  last_seq: number;
  updated_at: string;
}

/** Statuses in which an order rests on the book. */
export const FEED_LIVE_STATUSES: readonly string[] = ['open', 'partially_filled'];

/** Most orders one read returns (the callers page or bound what they ask for). */
export const FEED_ORDERS_READ_MAX = 10_000;

const COLUMNS = 'order_id, client_order_id, status, side, order_type, price_usd, quantity, filled_quantity, reason, last_seq, updated_at';

export class FeedOrders {
  private readonly st;

  constructor(db: Database.Database) {
    this.st = {
      live: db.prepare(`SELECT ${COLUMNS} FROM orders WHERE status IN ('open', 'partially_filled') ORDER BY last_seq DESC LIMIT ?`),
      byId: db.prepare(`SELECT ${COLUMNS} FROM orders WHERE order_id = ?`),
      // A client_order_id is unique per account on the platform; the newest wins should a reused one ever appear.
      byClientId: db.prepare(`SELECT ${COLUMNS} FROM orders WHERE client_order_id = ? ORDER BY last_seq DESC LIMIT 1`),
    };
  }

  /** Orders resting on the book, most recently changed first, at most `limit`. */
  live(limit: number): FeedOrder[] {
    assert(Number.isSafeInteger(limit) && limit > 0 && limit <= FEED_ORDERS_READ_MAX, `feed orders: bad limit ${limit}`);
    return this.st.live.all(limit) as FeedOrder[];
  }

  /** Every order resting on the book (no limit: what they reserve must all be counted). */
  allLive(): FeedOrder[] {
    // .all(), not .iterate(): the caller reads its own tables for each (the connection is busy while iterating).
    return this.st.live.all(Number.MAX_SAFE_INTEGER) as FeedOrder[];
  }

  byId(order_id: string): FeedOrder | undefined {
    return this.st.byId.get(order_id) as FeedOrder | undefined;
  }

  byClientId(client_order_id: string): FeedOrder | undefined {
    return this.st.byClientId.get(client_order_id) as FeedOrder | undefined;
  }
}
