// The matching engine's settlement: matches a new order against the in-memory book, settles
// every fill (balances, fees, trades, candles, events of both sides) and stores the order in
// its final state. Runs inside the caller's transaction (orders.ts); single writer.
import type { Order } from '../../shared/platform/api.js';
import type { RestingOrder } from './book.js';
import type { CoreKernel } from './kernel.js';
import { buyReserve, type OrderRow } from './types.js';
import { assert, feeMicros, isoFromMs, lotsToQty, microsToUsd, notionalMicros, ticksToPrice } from './units.js';

export class Matcher {
  constructor(private readonly k: CoreKernel) {}

  /**
   * Matches a new order (not yet stored, its reservation not yet applied to the account),
   * settles every fill, then stores the order in its final state. The taker's balance changes (reservation, fills, release) add
   * up to one account update. Returns the order row as stored.
   */
  execute(order: OrderRow, limit: number): OrderRow {
    const now = this.k.now_ms();
    const side = order.side;
    const state = {
      filled: 0,
      notional: 0,
      fees: 0,
      reserved_micros: order.reserved_micros,
      reserved_lots: order.reserved_lots,
      // The taker account's pending move: usd, usd reserved, tokens, tokens reserved.
      move: [0, order.reserved_micros, 0, order.reserved_lots] as [number, number, number, number],
    };
    let status: Order['status'] = 'open';
    let reason: string | null = null;
    let rest = false;
    if (order.post_only && this.k.book.crosses(side, limit)) {
      status = 'rejected';
      reason = 'post_only_would_cross';
    } else if (order.tif === 'FOK' && this.k.book.fillable(side, limit, order.account_id, order.qty_lots) < order.qty_lots) {
      status = 'canceled';
      reason = 'fill_or_kill_not_fillable';
    } else {
      const m = this.k.book.match(side, limit, order.qty_lots, order.account_id);
      assert(order.tif !== 'FOK' || m.remaining === 0, 'FOK order partially filled');
      for (const f of m.fills) {
        const { notional, taker_fee } = this.settleFill(order, f.maker, f.price, f.lots, limit, state, now);
        state.filled += f.lots;
        state.notional += notional;
        state.fees += taker_fee;
      }
      if (m.remaining === 0) status = 'filled';
      else if (m.self_trade) {
        status = 'canceled';
        reason = 'self_trade_prevention';
      } else if (order.type === 'limit' && (order.tif === 'GTC' || order.tif === 'GTD')) {
        status = state.filled > 0 ? 'partially_filled' : 'open';
        rest = true;
      } else {
        status = 'canceled';
        reason = order.type === 'market' ? 'market_order_remainder' : 'immediate_or_cancel_remainder';
      }
    }
    if (rest) {
      this.k.book.add({ num: order.num, account: order.account_id, side, price: limit, remaining: order.qty_lots - state.filled, live: true });
      if (order.expire_ms !== null) this.k.next_expiry_ms = Math.min(this.k.next_expiry_ms, order.expire_ms);
      if (side === 'buy') assert(state.reserved_micros === buyReserve(order.qty_lots - state.filled, limit, this.k.config.taker_fee_bps), 'resting buy reserve');
      else assert(state.reserved_lots === order.qty_lots - state.filled, 'resting sell reserve');
    } else {
      // Terminal: hand back whatever is still reserved.
      state.move[1] -= state.reserved_micros;
      state.move[3] -= state.reserved_lots;
      state.reserved_micros = 0;
      state.reserved_lots = 0;
    }
    const mv = state.move;
    if (mv[0] !== 0 || mv[1] !== 0 || mv[2] !== 0 || mv[3] !== 0) this.k.move(order.account_id, mv[0], mv[1], mv[2], mv[3]);
    const done: OrderRow = {
      ...order,
      filled_lots: state.filled,
      notional_micros: state.notional,
      fees_micros: state.fees,
      reserved_micros: state.reserved_micros,
      reserved_lots: state.reserved_lots,
      status,
      reason,
      updated_ms: now,
    };
    this.k.store.insertOrder(done);
    assert(this.k.next_order_num === done.num, 'order number out of sequence');
    this.k.next_order_num = done.num + 1;
    this.emitOrder(done);
    return done;
  }

  /** One fill between the taker `order` and a resting maker. Returns the taker's share. */
  private settleFill(
    taker: OrderRow,
    maker: RestingOrder,
    price: number,
    lots: number,
    taker_limit: number,
    taker_state: { reserved_micros: number; reserved_lots: number; move: [number, number, number, number] },
    now: number,
  ): { notional: number; taker_fee: number } {
    const notional = notionalMicros(price, lots);
    const maker_fee = feeMicros(notional, this.k.config.maker_fee_bps);
    const taker_fee = feeMicros(notional, this.k.config.taker_fee_bps);
    const mrow = this.k.store.orderByNum(maker.num);
    assert(mrow && mrow.account_id === maker.account && mrow.price_ticks === price, 'maker row out of sync with the book');
    const maker_remaining_before = mrow.qty_lots - mrow.filled_lots;
    assert(maker_remaining_before - lots === maker.remaining, 'maker remaining out of sync');

    // Maker side.
    let m_res_micros = mrow.reserved_micros;
    let m_res_lots = mrow.reserved_lots;
    if (maker.side === 'buy') {
      const needed_after = buyReserve(maker.remaining, price, this.k.config.taker_fee_bps);
      const cost = notional + maker_fee;
      const release = m_res_micros - cost - needed_after;
      assert(release >= 0, 'maker buy reserve too small');
      this.k.move(maker.account, -cost, -(cost + release), lots, 0);
      m_res_micros = needed_after;
    } else {
      this.k.move(maker.account, notional - maker_fee, 0, -lots, -lots);
      m_res_lots -= lots;
    }
    const maker_status: Order['status'] = maker.remaining === 0 ? 'filled' : 'partially_filled';
    this.k.store.updateOrderState(mrow.num, {
      filled_lots: mrow.filled_lots + lots,
      notional_micros: mrow.notional_micros + notional,
      fees_micros: mrow.fees_micros + maker_fee,
      reserved_micros: m_res_micros,
      reserved_lots: m_res_lots,
      status: maker_status,
      reason: null,
      updated_ms: now,
    });

    // Taker side.
    if (taker.side === 'buy') {
      const remaining_after = taker.qty_lots - (taker.filled_lots + lots);
      const needed_after = buyReserve(remaining_after, taker_limit, this.k.config.taker_fee_bps);
      const cost = notional + taker_fee;
      const release = taker_state.reserved_micros - cost - needed_after;
      assert(release >= 0, 'taker buy reserve too small');
      const mv = taker_state.move;
      mv[0] -= cost;
      mv[1] -= cost + release;
      mv[2] += lots;
      taker_state.reserved_micros = needed_after;
    } else {
      const mv = taker_state.move;
      mv[0] += notional - taker_fee;
      mv[2] -= lots;
      mv[3] -= lots;
      taker_state.reserved_lots -= lots;
    }
    taker.filled_lots += lots;
    this.k.aggregates.addTotals(0, 0, maker_fee + taker_fee, 0, 0);

    const trade_num = this.k.store.insertTrade(now, price, lots, taker.side, maker.num, taker.num);
    const trade_id = `trd_${trade_num}`;
    this.k.aggregates.recordCandles(now, price, lots);
    this.k.last_trade_ticks = price;
    this.k.publish({
      kind: 'trade',
      trade: { trade_id, num: trade_num, price: ticksToPrice(price), quantity: lotsToQty(lots), taker_side: taker.side, time: isoFromMs(now) },
    });
    const p = ticksToPrice(price);
    const q = lotsToQty(lots);
    this.k.emit(maker.account, {
      type: 'fill',
      trade_id,
      order_id: mrow.id,
      client_order_id: mrow.client_order_id,
      side: maker.side,
      price_usd: p,
      quantity: q,
      fee_usd: microsToUsd(maker_fee),
      liquidity: 'maker',
    });
    this.emitOrder({ ...mrow, filled_lots: mrow.filled_lots + lots, status: maker_status, reason: null });
    this.k.emit(taker.account_id, {
      type: 'fill',
      trade_id,
      order_id: taker.id,
      client_order_id: taker.client_order_id,
      side: taker.side,
      price_usd: p,
      quantity: q,
      fee_usd: microsToUsd(taker_fee),
      liquidity: 'taker',
    });
    return { notional, taker_fee };
  }

  emitOrder(o: Pick<OrderRow, 'id' | 'account_id' | 'client_order_id' | 'status' | 'side' | 'type' | 'price_ticks' | 'qty_lots' | 'filled_lots' | 'reason'>): void {
    this.k.emit(o.account_id, {
      type: 'order',
      order_id: o.id,
      client_order_id: o.client_order_id,
      status: o.status,
      side: o.side,
      order_type: o.type,
      price_usd: o.price_ticks === null ? null : ticksToPrice(o.price_ticks),
      quantity: lotsToQty(o.qty_lots),
      filled_quantity: lotsToQty(o.filled_lots),
      reason: o.reason,
    });
  }
}
