// The in-memory order book and matching engine for one symbol. Pure: no I/O, no clock,
// integers only (ticks and lots, see units.ts). The core persists what it returns and,
// if persisting fails, rebuilds the book from the database, so the book never has to undo.
//
// Price levels live in a Map keyed by price plus a sorted array of prices with the best
// price at the END (bids ascending, asks descending), so consuming the best level is pop().
// Within a level orders are FIFO (time priority); cancels are lazy: the order is marked
// dead and skipped when it reaches the front.
import { assert } from './units.js';

export type Side = 'buy' | 'sell';

export interface RestingOrder {
  /** Internal order number: increasing, so it is also the time priority. */
  num: number;
  account: string;
  side: Side;
  price: number;
  remaining: number;
  live: boolean;
}

interface Level {
  price: number;
  orders: RestingOrder[];
  head: number;
  total: number;
}

export interface Fill {
  maker: RestingOrder;
  price: number;
  lots: number;
}

export interface MatchResult {
  fills: Fill[];
  remaining: number;
  /** Matching stopped at the taker's own resting order (cancel-newest: the taker's rest is canceled). */
  self_trade: boolean;
}

export interface LevelChange {
  side: Side;
  price: number;
  total: number;
}

/** Bound on the orders one taker may sweep, so one request has bounded cost. */
export const MAX_FILLS_PER_ORDER = 1000;

class BookSide {
  readonly levels = new Map<number, Level>();
  /** Sorted so that the best price is last. */
  readonly prices: number[] = [];
  constructor(readonly side: Side) {}

  /** True when a is a better price than b for this side. */
  better(a: number, b: number): boolean {
    return this.side === 'buy' ? a > b : a < b;
  }

  best(): Level | undefined {
    const p = this.prices[this.prices.length - 1];
    return p === undefined ? undefined : this.levels.get(p);
  }

  level(price: number): Level {
    let lvl = this.levels.get(price);
    if (lvl) return lvl;
    lvl = { price, orders: [], head: 0, total: 0 };
    this.levels.set(price, lvl);
    // Binary search for the insert position: worse prices first, best last.
    let lo = 0;
    let hi = this.prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(price, this.prices[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    this.prices.splice(lo, 0, price);
    return lvl;
  }

  remove(lvl: Level): void {
    assert(lvl.total === 0, 'removing a non-empty level');
    this.levels.delete(lvl.price);
    const last = this.prices.length - 1;
    if (this.prices[last] === lvl.price) {
      this.prices.pop();
      return;
    }
    const i = this.prices.indexOf(lvl.price);
    assert(i >= 0, 'level price missing from the index');
    this.prices.splice(i, 1);
  }
}

export class OrderBook {
  readonly bids = new BookSide('buy');
  readonly asks = new BookSide('sell');
  readonly byNum = new Map<number, RestingOrder>();
  /** Bumped by every structural change: lets the core tell whether a failed transaction touched the book. */
  mutations = 0;
  /** Levels touched since the last drainChanges(): key `${side}:${price}`. */
  private touched = new Map<string, { side: Side; price: number }>();

  private sideOf(side: Side): BookSide {
    return side === 'buy' ? this.bids : this.asks;
  }

  private touch(side: Side, price: number): void {
    this.mutations++;
    this.touched.set(`${side}:${price}`, { side, price });
  }

  bestBid(): number | null {
    return this.bids.best()?.price ?? null;
  }
  bestAsk(): number | null {
    return this.asks.best()?.price ?? null;
  }

  /** Would an order at `price` on `side` trade immediately? */
  crosses(side: Side, price: number): boolean {
    const other = side === 'buy' ? this.bestAsk() : this.bestBid();
    if (other === null) return false;
    return side === 'buy' ? price >= other : price <= other;
  }

  add(order: RestingOrder): void {
    assert(order.live && order.remaining > 0, 'adding a dead or empty order');
    assert(!this.byNum.has(order.num), `order ${order.num} already in the book`);
    assert(!this.crosses(order.side, order.price), 'resting order would cross the book');
    const lvl = this.sideOf(order.side).level(order.price);
    const tail = lvl.orders[lvl.orders.length - 1];
    assert(tail === undefined || tail.num < order.num, 'time priority violated');
    lvl.orders.push(order);
    lvl.total += order.remaining;
    this.byNum.set(order.num, order);
    this.touch(order.side, order.price);
  }

  /** Removes a resting order; returns it, or undefined when it is not in the book. */
  cancel(num: number): RestingOrder | undefined {
    const o = this.byNum.get(num);
    if (!o) return undefined;
    const side = this.sideOf(o.side);
    const lvl = side.levels.get(o.price);
    assert(lvl !== undefined, 'resting order without a level');
    o.live = false;
    lvl.total -= o.remaining;
    this.byNum.delete(num);
    this.touch(o.side, o.price);
    if (lvl.total === 0) side.remove(lvl);
    else this.compactFront(lvl);
    return o;
  }

  private compactFront(lvl: Level): void {
    while (lvl.head < lvl.orders.length && !lvl.orders[lvl.head]!.live) lvl.head++;
    if (lvl.head > 64 && lvl.head * 2 > lvl.orders.length) {
      lvl.orders = lvl.orders.slice(lvl.head);
      lvl.head = 0;
    }
  }

  /** Total quantity a taker could fill up to `limit` before reaching its own order. */
  fillable(side: Side, limit: number, account: string, want: number): number {
    const book = side === 'buy' ? this.asks : this.bids;
    let sum = 0;
    let fills = 0;
    for (let i = book.prices.length - 1; i >= 0 && sum < want; i--) {
      const price = book.prices[i]!;
      if (side === 'buy' ? price > limit : price < limit) break;
      const lvl = book.levels.get(price)!;
      for (let j = lvl.head; j < lvl.orders.length && sum < want; j++) {
        const o = lvl.orders[j]!;
        if (!o.live) continue;
        if (o.account === account || ++fills > MAX_FILLS_PER_ORDER) return sum;
        sum += o.remaining;
      }
    }
    return Math.min(sum, want);
  }

  /**
   * Matches a taker against the opposite side, best price first, oldest first.
   * Stops at the limit price, when filled, after MAX_FILLS_PER_ORDER fills, or at the
   * taker's own order (self-trade prevention, cancel newest).
   */
  match(side: Side, limit: number, lots: number, account: string): MatchResult {
    assert(lots > 0, 'match with no quantity');
    const book = side === 'buy' ? this.asks : this.bids;
    const fills: Fill[] = [];
    let remaining = lots;
    let self_trade = false;
    while (remaining > 0 && fills.length < MAX_FILLS_PER_ORDER) {
      const lvl = book.best();
      if (!lvl) break;
      if (side === 'buy' ? lvl.price > limit : lvl.price < limit) break;
      const maker = lvl.orders[lvl.head]!;
      assert(maker.live && maker.remaining > 0, 'dead order at the front of a level');
      if (maker.account === account) {
        self_trade = true;
        break;
      }
      const q = Math.min(remaining, maker.remaining);
      fills.push({ maker, price: lvl.price, lots: q });
      maker.remaining -= q;
      lvl.total -= q;
      remaining -= q;
      this.touch(maker.side, lvl.price);
      if (maker.remaining === 0) {
        maker.live = false;
        this.byNum.delete(maker.num);
        lvl.head++;
        if (lvl.total === 0) book.remove(lvl);
        else this.compactFront(lvl);
      }
    }
    return { fills, remaining, self_trade };
  }

  /** Levels changed since the last call, with their new totals (0 = level gone). */
  drainChanges(): LevelChange[] {
    if (this.touched.size === 0) return [];
    const out: LevelChange[] = [];
    for (const { side, price } of this.touched.values()) {
      out.push({ side, price, total: this.sideOf(side).levels.get(price)?.total ?? 0 });
    }
    this.touched = new Map();
    return out;
  }

  discardChanges(): void {
    this.touched = new Map();
  }

  /** Top `depth` levels per side, best first: [price, total]. */
  depth(depth: number): { bids: [number, number][]; asks: [number, number][] } {
    const take = (s: BookSide): [number, number][] => {
      const out: [number, number][] = [];
      for (let i = s.prices.length - 1; i >= 0 && out.length < depth; i--) {
        const p = s.prices[i]!;
        out.push([p, s.levels.get(p)!.total]);
      }
      return out;
    };
    return { bids: take(this.bids), asks: take(this.asks) };
  }

  /** Full structural check (tests, and after a rebuild). Throws on violation. */
  checkInvariants(): void {
    const bb = this.bestBid();
    const ba = this.bestAsk();
    assert(bb === null || ba === null || bb < ba, `crossed book at rest: bid ${bb} >= ask ${ba}`);
    let count = 0;
    for (const s of [this.bids, this.asks]) {
      assert(s.prices.length === s.levels.size, 'price index out of sync');
      for (let i = 1; i < s.prices.length; i++) assert(s.better(s.prices[i]!, s.prices[i - 1]!), 'price index not sorted');
      for (const lvl of s.levels.values()) {
        let total = 0;
        let prev = -1;
        for (let j = lvl.head; j < lvl.orders.length; j++) {
          const o = lvl.orders[j]!;
          if (!o.live) continue;
          assert(o.num > prev, 'time priority violated in level');
          prev = o.num;
          assert(o.remaining > 0 && o.price === lvl.price && o.side === s.side, 'bad resting order');
          total += o.remaining;
          count++;
        }
        assert(total === lvl.total && total > 0, 'level total out of sync');
      }
    }
    assert(count === this.byNum.size, 'order index out of sync');
  }
}
