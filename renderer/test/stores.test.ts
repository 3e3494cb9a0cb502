// The renderer's stores as pure logic: the book applies deltas only in sequence and asks for
// a fresh book on a gap (never a wrong book), publishes once per frame; trades move the live
// candle exactly; pushed orders merge by id.
import { describe, expect, it } from 'vitest';
import { RendererBook, type BookView } from '../src/store/book';
import { applyTrades } from '../src/store/candles';
import { applyOrdersPush, loadedOrders, mergeOrders, type OrderView } from '../src/store/orders';
import { PushClock } from '../src/store/push-clock';
import { portfolioBinding, usePortfolio } from '../src/store/portfolio';
import type { Portfolio, WalletApi } from '../../shared/contract/wallet-api';
import { mergeEntries } from '../src/store/activity';
import type { BookSnapshot, PublicTrade } from '../../shared/platform/api';
import type { Candle } from '../../shared/platform/events';

const snap = (seq: number): BookSnapshot => ({ symbol: 'TOKEN-USD', seq, bids: [['1.0000', '2'], ['0.9000', '1']], asks: [['1.1000', '3']], time: new Date(0).toISOString() });

function bookHarness(fresh: BookSnapshot | null) {
  const frames: (() => void)[] = [];
  const published: BookView[] = [];
  let asked = 0;
  const book = new RendererBook(
    () => ({ getOrderBook: async () => { asked += 1; return { book: fresh }; } }),
    (v) => published.push(v),
    (fn) => frames.push(fn),
  );
  const frame = () => frames.splice(0).forEach((f) => f());
  return { book, published, frame, asked: () => asked };
}

describe('RendererBook', () => {
  it('publishes at most once per frame, with exact cumulative sizes and the spread', () => {
    const h = bookHarness(null);
    h.book.onUpdate({ kind: 'snapshot', book: snap(10) });
    for (let s = 11; s <= 20; s++) h.book.onUpdate({ kind: 'delta', seq: s, changes: [{ side: 'buy', price: '0.9500', quantity: String(s) }] });
    expect(h.published).toHaveLength(0);
    h.frame();
    expect(h.published).toHaveLength(1);
    const v = h.published[0]!;
    expect(v.seq).toBe(20);
    expect(v.bids.map((l) => [l.price, l.quantity, l.cumulative])).toEqual([['1.0000', '2', '2'], ['0.9500', '20', '22'], ['0.9000', '1', '23']]);
    expect(v.spread).toBe('0.1');
    expect(h.book.stats).toMatchObject({ deltas_applied: 10, gaps: 0 });
  });

  it('never applies a delta across a gap: it fetches a fresh book and replays what followed it', async () => {
    const fresh = { ...snap(13), bids: [['1.0100', '5']] as [string, string][] };
    const h = bookHarness(fresh);
    h.book.onUpdate({ kind: 'snapshot', book: snap(10) });
    h.book.onUpdate({ kind: 'delta', seq: 12, changes: [{ side: 'buy', price: '0.5', quantity: '1' }] }); // 11 lost
    h.book.onUpdate({ kind: 'delta', seq: 14, changes: [{ side: 'sell', price: '1.2', quantity: '7' }] }); // buffered
    expect(h.book.stats.gaps).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    h.frame();
    const v = h.published.at(-1)!;
    expect(h.asked()).toBe(1);
    expect(v.seq).toBe(14);
    expect(v.bids.map((l) => l.price)).toEqual(['1.0100']); // the lost-gap delta (0.5) was never applied
    expect(v.asks.map((l) => l.price)).toEqual(['1.1000', '1.2']);
  });
});

const t = (num: number, price: string, quantity: string, iso: string): PublicTrade => ({ trade_id: `t${num}`, num, price, quantity, taker_side: 'buy', time: iso });

describe('live candles from trades', () => {
  const candles: Candle[] = [{ time: 1_800_000_000 - 60, open: '1', high: '1.2', low: '0.9', close: '1.1', volume: '10' }];
  const bucket = 1_800_000_000 - 60;
  it('moves the last candle and opens the next, exactly', () => {
    const out = applyTrades(candles, [t(2, '1.3', '0.1', new Date((bucket + 59) * 1000).toISOString()), t(3, '0.85', '0.2', new Date((bucket + 61) * 1000).toISOString())], '1m');
    expect(out[0]).toEqual({ time: bucket, open: '1', high: '1.3', low: '0.9', close: '1.3', volume: '10.1' });
    expect(out[1]).toEqual({ time: bucket + 60, open: '0.85', high: '0.85', low: '0.85', close: '0.85', volume: '0.2' });
    expect(applyTrades(candles, [t(1, '5', '1', new Date((bucket - 1) * 1000).toISOString())], '1m')).toBe(candles);
  });
});

const order = (id: string, queue_seq: number, state: OrderView['state']): OrderView => ({
  client_order_id: id, order_id: null, queue_seq, side: 'buy', type: 'limit', price: '1', protection_price: null, quantity: '1', filled_quantity: '0',
  time_in_force: 'GTC', post_only: false, expires_at: new Date(0).toISOString(), state, reason: null, cancel_requested: false, attempts: 0, last_error: null,
  reserved_usd: '0', reserved_tokens: '0', lots: null, created_at: new Date(0).toISOString(), updated_at: new Date(0).toISOString(), average_fill_price: null, fees_usd: null,
});

describe('pushed orders and activity merge by id', () => {
  it('replaces a changed order in place and adds new ones newest first', () => {
    const merged = mergeOrders([order('a', 1, 'open'), order('b', 2, 'queued')], [order('a', 1, 'filled'), order('c', 3, 'queued')]);
    expect(merged.map((o) => `${o.client_order_id}:${o.state}`)).toEqual(['c:queued', 'b:queued', 'a:filled']);
  });
  it('drops orders placed elsewhere that ended', () => {
    const ext = { order_id: 'x', client_order_id: 'cx', side: 'sell' as const, order_type: 'limit' as const, price: '2', quantity: '1', filled_quantity: '0', state: 'open' as const, updated_at: new Date(0).toISOString(), cancel: null, cancel_error: null };
    const s = { orders: [], external: [ext], sending_paused_until: null, loaded: true };
    expect(applyOrdersPush(s, { orders: [], external: [], external_ended: ['x'], sending_paused_until: null }).external).toEqual([]);
  });
  it('keeps journal entries unique, newest first', () => {
    const e = (id: number) => ({ id, seq: id, type: 'fill', time: new Date(0).toISOString(), reverses: null, postings: [], detail: null });
    expect(mergeEntries([e(3), e(2)], [e(4), e(3)]).map((x) => x.id)).toEqual([4, 3, 2]);
  });
});

describe('a load that races a push never overwrites the newer push', () => {
  /** A wallet whose one answer is held until released, with a push that can be fired meanwhile. */
  function racingApi<T>(answer: T) {
    const listeners = new Map<string, (p: unknown) => void>();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const api = {
      on: (name: string, l: (p: unknown) => void) => (listeners.set(name, l), () => listeners.delete(name)),
      getPortfolio: async () => (await held, answer),
      listOrders: async () => (await held, answer),
      listExternalOrders: async () => ({ orders: [] }),
    } as unknown as WalletApi;
    return { api, release: () => release(), push: (name: string, p: unknown) => listeners.get(name)!(p) };
  }

  it('counts pushes: stale only when one arrived while the load was in flight', async () => {
    const clock = new PushClock();
    expect((await clock.load(async () => 1)).stale).toBe(false);
    let release: () => void = () => {};
    const pending = clock.load(() => new Promise<number>((r) => (release = () => r(2))));
    clock.tick();
    release();
    expect(await pending).toEqual({ value: 2, stale: true });
  });

  it('portfolio: the pushed view stays when the older answer comes back after it', async () => {
    const old = { as_of: 'old' } as unknown as Portfolio;
    const pushed = { as_of: 'pushed' } as unknown as Portfolio;
    const h = racingApi(old);
    const offs = portfolioBinding.subscribe(h.api);
    const loading = portfolioBinding.load(h.api);
    h.push('portfolio', pushed);
    h.release();
    await loading;
    expect(usePortfolio.getState().portfolio).toBe(pushed);
    await portfolioBinding.load(h.api); // nothing raced this one: its answer applies
    expect(usePortfolio.getState().portfolio).toBe(old);
    offs.forEach((off) => off());
  });

  it('orders: a raced answer is merged with the pushed orders winning', () => {
    const s = { orders: [order('a', 1, 'filled')], external: [], sending_paused_until: null, loaded: false };
    const raced = loadedOrders(s, [order('a', 1, 'open'), order('b', 2, 'open')], [], true);
    expect(raced.orders!.map((o) => `${o.client_order_id}:${o.state}`)).toEqual(['b:open', 'a:filled']);
    const whole = loadedOrders(s, [order('a', 1, 'canceled')], [], false);
    expect(whole.orders!.map((o) => `${o.client_order_id}:${o.state}`)).toEqual(['a:canceled']);
  });
});
