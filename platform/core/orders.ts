// Orders: placement (idempotent by client_order_id), validation, cancel, GTD expiry and the
// account's order views. Matching and settlement are in matching.ts.
import { createHash, timingSafeEqual } from 'node:crypto';
import { D, toCanonical } from '../../shared/money.js';
import type { Order, OrderRequest } from '../../shared/platform/api.js';
import { SYMBOL } from '../../shared/platform/api.js';
import { badRequest, conflict, notFound, unprocessable } from './errors.js';
import type { CoreKernel } from './kernel.js';
import type { Matcher } from './matching.js';
import { buyReserve, MAX_EXPIRIES_PER_SWEEP, type OrderRow } from './types.js';
import {
  assert,
  isoFromMs,
  LOT_SIZE,
  lotsToQty,
  MAX_PRICE_TICKS,
  MAX_QUANTITY_LOTS,
  microsToUsd,
  MIN_PRICE_TICKS,
  priceToTicks,
  qtyToLots,
  TICK_SIZE,
  ticksToPrice,
} from './units.js';

export class Orders {
  constructor(
    private readonly k: CoreKernel,
    private readonly matcher: Matcher,
  ) {}

  placeOrder(account_id: string, req: OrderRequest): { order: Order; created: boolean } {
    return this.k.tx(() => {
      this.sweepExpired();
      const hash = requestHash(req);
      const existing = this.k.store.orderByClientId(account_id, req.client_order_id);
      if (existing) {
        if (!hashEqual(existing.request_hash, hash)) {
          throw conflict('client_order_id_conflict', 'client_order_id already used with a different order', { order_id: existing.id });
        }
        return { order: this.orderView(existing), created: false };
      }
      const now = this.k.now_ms();
      if (req.deadline !== undefined && now > Date.parse(req.deadline)) {
        throw unprocessable('deadline_passed', `the order arrived after its deadline ${req.deadline}`);
      }
      const v = this.validateOrder(req, now);
      const acct = this.k.account(account_id);
      let reserve_micros = 0;
      let reserve_lots = 0;
      if (req.side === 'buy') {
        reserve_micros = buyReserve(v.lots, v.limit, this.k.config.taker_fee_bps);
        const available = acct.usd_total - acct.usd_reserved;
        if (reserve_micros > available) {
          throw unprocessable('insufficient_funds', `order needs ${microsToUsd(reserve_micros)} USD (fee included), ${microsToUsd(available)} available`);
        }
      } else {
        reserve_lots = v.lots;
        const available = acct.tok_total - acct.tok_reserved;
        if (reserve_lots > available) throw unprocessable('insufficient_tokens', `order needs ${req.quantity} tokens, ${lotsToQty(available)} available`);
      }
      // The number SQLite would give the row (max + 1: orders are never deleted), known
      // before matching so the order is inserted once with its final state.
      this.k.next_order_num ??= this.k.store.maxOrderNum() + 1;
      const num = this.k.next_order_num;
      // The row before matching, built here rather than read back (paranoid mode checks the result).
      const row: OrderRow = {
        num,
        id: `ord_${num}`,
        account_id,
        client_order_id: req.client_order_id,
        request_hash: hash,
        side: req.side,
        type: req.type,
        price_ticks: v.price,
        protection_ticks: v.protection,
        qty_lots: v.lots,
        filled_lots: 0,
        notional_micros: 0,
        fees_micros: 0,
        reserved_micros: reserve_micros,
        reserved_lots: reserve_lots,
        tif: req.time_in_force,
        expire_ms: v.expire_ms,
        post_only: req.post_only ? 1 : 0,
        status: 'open',
        reason: null,
        created_ms: now,
        updated_ms: now,
      };
      const done = this.matcher.execute(row, v.limit);
      if (this.k.config.paranoid) {
        const stored = this.k.store.orderByNum(num);
        assert(JSON.stringify(stored) === JSON.stringify(done), `order ${done.id}: built row differs from the stored one`);
      }
      return { order: this.orderView(done), created: true };
    });
  }

  private validateOrder(req: OrderRequest, now: number) {
    const lots = qtyToLots(req.quantity);
    if (lots === null || lots <= 0) throw badRequest('invalid_lot_size', `quantity must be a positive multiple of the lot size ${LOT_SIZE}`);
    if (lots > MAX_QUANTITY_LOTS) throw badRequest('quantity_too_large', `quantity above the limit of ${lotsToQty(MAX_QUANTITY_LOTS)}`);
    const ticks = (text: string, field: string): number => {
      const t = priceToTicks(text);
      if (t === null) throw badRequest('invalid_tick_size', `${field} must be a multiple of the tick size ${TICK_SIZE}`);
      if (t < MIN_PRICE_TICKS || t > MAX_PRICE_TICKS) {
        throw badRequest('price_out_of_range', `${field} must be between ${ticksToPrice(MIN_PRICE_TICKS)} and ${ticksToPrice(MAX_PRICE_TICKS)}`);
      }
      return t;
    };
    let price: number | null = null;
    let protection: number | null = null;
    if (req.type === 'limit') {
      if (req.price === undefined) throw badRequest('price_required', 'a limit order needs a price');
      if (req.protection_price !== undefined) throw badRequest('protection_price_not_allowed', 'protection_price is for market orders; a limit order has its price');
      price = ticks(req.price, 'price');
    } else {
      if (req.price !== undefined) throw badRequest('price_not_allowed', 'a market order has no price; use protection_price');
      if (req.protection_price === undefined) throw badRequest('protection_price_required', 'a market order needs protection_price (the worst acceptable price)');
      if (req.time_in_force !== 'IOC' && req.time_in_force !== 'FOK') throw badRequest('invalid_time_in_force', 'a market order is IOC or FOK');
      if (req.post_only) throw badRequest('post_only_not_allowed', 'a market order cannot be post-only');
      protection = ticks(req.protection_price, 'protection_price');
    }
    let expire_ms: number | null = null;
    if (req.time_in_force === 'GTD') {
      if (req.expire_at === undefined) throw badRequest('expire_at_required', 'a GTD order needs expire_at');
      expire_ms = Date.parse(req.expire_at);
      if (!(expire_ms > now)) throw badRequest('expire_at_in_past', 'expire_at must be in the future');
    } else if (req.expire_at !== undefined) {
      throw badRequest('expire_at_not_allowed', 'expire_at is only for GTD orders');
    }
    if (req.post_only && req.time_in_force !== 'GTC' && req.time_in_force !== 'GTD') {
      throw badRequest('post_only_not_allowed', 'post-only orders rest in the book: GTC or GTD');
    }
    const limit = (price ?? protection)!;
    return { lots, price, protection, limit, expire_ms };
  }

  /** Ends a resting order (cancel or expiry) and releases its reservation. */
  private endResting(row: OrderRow, status: 'canceled' | 'expired', reason: string): OrderRow {
    const removed = this.k.book.cancel(row.num);
    assert(removed !== undefined, `open order ${row.id} missing from the book`);
    this.k.move(row.account_id, 0, -row.reserved_micros, 0, -row.reserved_lots);
    const now = this.k.now_ms();
    this.k.store.updateOrderState(row.num, { ...row, reserved_micros: 0, reserved_lots: 0, status, reason, updated_ms: now });
    const updated: OrderRow = { ...row, reserved_micros: 0, reserved_lots: 0, status, reason, updated_ms: now };
    this.matcher.emitOrder(updated);
    return updated;
  }

  sweepExpired(): number {
    const now = this.k.now_ms();
    if (now < this.k.next_expiry_ms) return 0;
    const due = this.k.store.gtdDue(now, MAX_EXPIRIES_PER_SWEEP);
    for (const row of due) this.endResting(row, 'expired', 'good_till_date_expired');
    this.k.next_expiry_ms = this.k.store.nextExpiryMs() ?? Number.POSITIVE_INFINITY;
    return due.length;
  }

  private orderById(order_id: string): OrderRow | undefined {
    const m = /^ord_([1-9]\d{0,15})$/.exec(order_id);
    if (!m) return undefined;
    return this.k.store.orderByNum(Number(m[1]));
  }

  cancelOrder(account_id: string, order_id: string): Order {
    // The expiry sweep commits on its own: a refused cancel (409 order_not_open) must not roll
    // back an expiry that its own answer reports.
    this.k.tx(() => this.sweepExpired());
    return this.k.tx(() => {
      const row = this.orderById(order_id);
      if (!row || row.account_id !== account_id) throw notFound('order_not_found', 'no such order');
      if (row.status !== 'open' && row.status !== 'partially_filled') {
        throw conflict('order_not_open', `the order is already ${row.status}`, { order: this.orderView(row) });
      }
      return this.orderView(this.endResting(row, 'canceled', 'canceled_by_user'));
    });
  }

  getOrder(account_id: string, order_id: string): Order {
    this.k.tx(() => this.sweepExpired());
    const row = this.orderById(order_id);
    if (!row || row.account_id !== account_id) throw notFound('order_not_found', 'no such order');
    return this.orderView(row);
  }

  getOrderByClientId(account_id: string, client_order_id: string): Order {
    this.k.tx(() => this.sweepExpired());
    const row = this.k.store.orderByClientId(account_id, client_order_id);
    if (!row) throw notFound('order_not_found', 'no order with that client_order_id');
    return this.orderView(row);
  }

  listOrders(account_id: string, status: 'open' | 'all', limit: number): Order[] {
    this.k.tx(() => this.sweepExpired());
    return this.k.store.listOrders(account_id, status, limit).map((r) => this.orderView(r));
  }

  private orderView(r: OrderRow): Order {
    return {
      order_id: r.id,
      client_order_id: r.client_order_id,
      account_id: r.account_id,
      symbol: SYMBOL,
      side: r.side,
      type: r.type,
      price: r.price_ticks === null ? null : ticksToPrice(r.price_ticks),
      protection_price: r.protection_ticks === null ? null : ticksToPrice(r.protection_ticks),
      quantity: lotsToQty(r.qty_lots),
      filled_quantity: lotsToQty(r.filled_lots),
      remaining_quantity: lotsToQty(r.qty_lots - r.filled_lots),
      average_price:
        r.filled_lots === 0 ? null : toCanonical(new D(r.notional_micros).div(r.filled_lots).div(10_000).toDecimalPlaces(8, D.ROUND_HALF_EVEN)),
      fees_usd: microsToUsd(r.fees_micros),
      time_in_force: r.tif,
      expire_at: r.expire_ms === null ? null : isoFromMs(r.expire_ms),
      post_only: r.post_only === 1,
      status: r.status,
      reason: r.reason,
      created_at: isoFromMs(r.created_ms),
      updated_at: isoFromMs(r.updated_ms),
    };
  }
}

/** Canonical decimal text without decimal.js: the schema already guarantees DECIMAL_PATTERN. */
function canonicalDecimal(s: string | undefined): string {
  if (s === undefined) return '';
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Canonical payload digest for client_order_id idempotency: "1.50" and "1.5" are the same order. */
export function requestHash(req: OrderRequest): string {
  const parts = [
    req.client_order_id,
    req.side,
    req.type,
    canonicalDecimal(req.price),
    canonicalDecimal(req.quantity),
    req.time_in_force,
    req.expire_at === undefined ? '' : String(Date.parse(req.expire_at)),
    req.post_only ? '1' : '0',
    req.deadline === undefined ? '' : String(Date.parse(req.deadline)),
    canonicalDecimal(req.protection_price),
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

function hashEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
