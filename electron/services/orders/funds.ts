// What the order service holds back and what is left to trade with: the reservations of
// this wallet's orders (pending, live, and final ones the feed has not confirmed yet) and
// of orders placed elsewhere that the feed shows resting, against the ledger's settled
// balances. The sum is kept incrementally (a new order adds to it, any other write clears
// it) and re-derived on demand; checkInvariants compares the two.
import { dec, toCanonical, ZERO, type Dec } from '../../../shared/money.js';
import type { FeedView } from './feed-view.js';
import type { LedgerView } from './options.js';
import { reservationFor } from './reserve.js';
import type { OutboxRow, Store } from './store.js';
import { assert, LIVE_STATES, OrderEntryError, PENDING_STATES, type AvailableView } from './types.js';
import { isFeedFinal } from './converge.js';

export interface Held {
  usd: Dec;
  tokens: Dec;
}

export class Funds {
  /** Sum of reservations; null = recompute. */
  private cache: Held | null = null;

  constructor(
    private readonly st: Store,
    private readonly feed: FeedView,
    private readonly ledger: LedgerView,
    private readonly fee_bps: number,
    /** Tokens held outside orders (pending redemptions), a canonical decimal. */
    private readonly held_tokens: (() => string) | undefined,
  ) {}

  /** Any write that may change a reservation. */
  dirty(): void {
    this.cache = null;
  }

  /** A new order joined the outbox: its reservation adds to a known sum. */
  added(side: 'buy' | 'sell', limit_price: string, quantity: string): void {
    if (!this.cache) return;
    const add = reservationFor({ side, limit_price, remaining: quantity }, this.fee_bps);
    this.cache = { usd: this.cache.usd.plus(add.usd), tokens: this.cache.tokens.plus(add.tokens) };
  }

  /** What this order holds back now (see reserve.ts): pending and live orders, and final ones the feed has not confirmed yet. */
  reservation(r: OutboxRow): Held {
    const holds = PENDING_STATES.includes(r.state) || LIVE_STATES.includes(r.state) || (r.on_platform === 1 && !isFeedFinal(r.feed_status));
    if (!holds) return { usd: ZERO, tokens: ZERO };
    const remaining = dec(r.quantity).minus(dec(r.feed_filled));
    assert(remaining.gte(0), `order ${r.client_order_id}: feed filled more than the quantity`);
    return reservationFor({ side: r.side, limit_price: (r.price ?? r.protection_price)!, remaining: toCanonical(remaining) }, this.fee_bps);
  }

  totals(): Held {
    if (this.cache) return this.cache;
    let usd = ZERO;
    let tokens = ZERO;
    for (const r of this.st.reserving.all() as OutboxRow[]) {
      const res = this.reservation(r);
      usd = usd.plus(res.usd);
      tokens = tokens.plus(res.tokens);
    }
    // Orders placed elsewhere that the feed shows resting: available = settled − all of them.
    for (const o of this.feed.externalLive()) {
      const remaining = dec(o.quantity).minus(dec(o.filled_quantity));
      if (remaining.lte(0)) continue;
      const res = reservationFor({ side: o.side, limit_price: o.price_usd, remaining: toCanonical(remaining) }, this.fee_bps);
      usd = usd.plus(res.usd);
      tokens = tokens.plus(res.tokens);
    }
    this.cache = { usd, tokens };
    return this.cache;
  }

  available(): AvailableView {
    const settled = this.ledger.walletBalances();
    const { usd, tokens: by_orders } = this.totals();
    const held = dec(this.held_tokens?.() ?? '0');
    assert(held.gte(0), `negative tokens held outside orders: ${held}`);
    const tokens = by_orders.plus(held);
    const bal = (s: string, reserved: Dec) => ({ settled: s, reserved: toCanonical(reserved), available: toCanonical(dec(s).minus(reserved)) });
    return { usd: bal(settled.usd, usd), token: bal(settled.token, tokens) };
  }

  /** Refuses an order that needs more than is available (OrderEntryError with both figures). */
  check(side: 'buy' | 'sell', limit_price: string, quantity: string): void {
    const need = reservationFor({ side, limit_price, remaining: quantity }, this.fee_bps);
    const a = this.available();
    if (side === 'buy' && need.usd.gt(dec(a.usd.available))) {
      throw new OrderEntryError(
        'insufficient_funds',
        `This buy needs ${toCanonical(need.usd)} USD (fee included) but only ${a.usd.available} USD is available ` +
          `(settled ${a.usd.settled} − ${a.usd.reserved} held by open and queued orders).`,
        { needed_usd: toCanonical(need.usd), available_usd: a.usd.available },
      );
    }
    if (side === 'sell' && need.tokens.gt(dec(a.token.available))) {
      throw new OrderEntryError(
        'insufficient_tokens',
        `This sell needs ${toCanonical(need.tokens)} tokens but only ${a.token.available} are available ` +
          `(settled ${a.token.settled} − ${a.token.reserved} held by open and queued orders and pending redemptions).`,
        { needed_tokens: toCanonical(need.tokens), available_tokens: a.token.available },
      );
    }
  }

  /** The kept sum equals a fresh derivation (throws otherwise). */
  checkInvariants(): void {
    const cached = this.cache;
    this.cache = null;
    const fresh = this.totals();
    if (cached) assert(cached.usd.eq(fresh.usd) && cached.tokens.eq(fresh.tokens), `cached reservations ${cached.usd}/${cached.tokens} != ${fresh.usd}/${fresh.tokens}`);
  }
}
