import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlatformCore, REQUEST_ID_TTL_MS } from '../../platform/core/core.js';
import { dec } from '../../shared/money.js';
import { PlatformError } from '../../platform/core/errors.js';
import { AccountEvent } from '../../shared/platform/events.js';
import type { OrderRequest } from '../../shared/platform/api.js';
import { describeEngines, type Engine } from '../support/engines.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const PERIOD = 60_000;

async function setup(engine: Engine, config: Partial<ConstructorParameters<typeof PlatformCore>[0]['config']> = {}) {
  const clock = { t: T0 };
  const core = await engine.core({ now_ms: () => clock.t, config: { paranoid: true, period_ms: PERIOD, ...config } });
  return { core, clock };
}

/** An account with cash and tokens (tokens from a real mint of its first period). */
function funded(core: PlatformCore, clock: { t: number }, usd = '1000'): string {
  const { account_id } = core.createAccount({ start_ms: clock.t - PERIOD });
  core.tick(); // mints the 1000 unused credits
  if (usd !== '0') core.deposit(account_id, usd);
  return account_id;
}

function order(o: Partial<OrderRequest> & Pick<OrderRequest, 'client_order_id' | 'side'>): OrderRequest {
  return { type: 'limit', quantity: '10', time_in_force: 'GTC', ...(o.type === 'market' ? {} : { price: '0.02' }), ...o };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlatformError) return e.code;
    throw e;
  }
  return 'no error';
}
describeEngines('platform core', (engine) => {
  describe('periods: mint, renewal credit and its floor', () => {
    it('mints unused credits at close with FMV and allocated cost', async () => {
      const { core, clock } = await setup(engine);
      const { account_id } = core.createAccount();
      core.recordUsage(account_id, '612.5');
      clock.t += PERIOD;
      core.tick();
      const evs = core.getEvents(account_id, 0, 100).events;
      for (const e of evs) AccountEvent.parse(e);
      const mint = evs.find((e) => e.type === 'mint');
      expect(mint).toMatchObject({ tokens: '387.5', face_value_usd: '0.02', allocated_cost_usd: '7.75', market_price_usd: '0.02' });
      expect(evs.map((e) => e.type)).toEqual(['period_open', 'usage', 'period_close', 'mint', 'period_open']);
      expect(evs.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(core.getBalances(account_id).token.total).toBe('387.5');
    });

    it('renewal credit lowers the next price by U × face value', async () => {
      const { core, clock } = await setup(engine);
      const { account_id } = core.createAccount();
      core.recordUsage(account_id, '700');
      core.setElection(account_id, 'renewal_credit');
      expect(core.getSubscription(account_id).estimated_next_price_usd).toBe('14');
      clock.t += PERIOD;
      core.tick();
      const evs = core.getEvents(account_id, 0, 100).events;
      expect(evs.find((e) => e.type === 'renewal_credit')).toMatchObject({ credits: '300', credit_usd: '6', forfeited_usd: '0', next_price_usd: '14' });
      expect(evs.at(-1)).toMatchObject({ type: 'period_open', price_usd: '14' });
      expect(core.getBalances(account_id).token.total).toBe('0');
      expect(core.getSubscription(account_id).current_period.price_usd).toBe('14');
    });

    it('never drops the renewal price below the 0.01 minimum; the excess is forfeited', async () => {
      const { core, clock } = await setup(engine);
      const { account_id } = core.createAccount();
      const { key_id } = core.createApiKey(account_id);
      expect(key_id).toMatch(/^key_/);
      core.setElection(account_id, 'renewal_credit');
      clock.t += PERIOD;
      core.tick();
      const rc = core.getEvents(account_id, 0, 100).events.find((e) => e.type === 'renewal_credit');
      // 1000 unused × 0.02 = 20.00; price 20 → floor 0.01: credit 19.99, forfeited 0.01.
      expect(rc).toMatchObject({ credits: '1000', credit_usd: '19.99', forfeited_usd: '0.01', next_price_usd: '0.01' });
    });

    it('election can change until close; the last one wins', async () => {
      const { core, clock } = await setup(engine);
      const { account_id } = core.createAccount();
      core.setElection(account_id, 'renewal_credit');
      core.setElection(account_id, 'mint');
      clock.t += PERIOD - 1;
      core.setElection(account_id, 'renewal_credit');
      clock.t += 1;
      expect(code(() => core.tick())).toBe('no error');
      const close = core.getEvents(account_id, 0, 100).events.find((e) => e.type === 'period_close');
      expect(close).toMatchObject({ election: 'renewal_credit' });
      // The new period starts with the default election again.
      expect(core.getSubscription(account_id).current_period.election).toBe('mint');
    });

    it('catches up several missed periods in order', async () => {
      const { core, clock } = await setup(engine);
      const { account_id } = core.createAccount();
      clock.t += 5 * PERIOD + 10;
      core.tick();
      const s = core.getSubscription(account_id);
      expect(s.current_period.index).toBe(5);
      expect(core.getBalances(account_id).token.total).toBe('5000');
    });

    it('redemption burns tokens into current credits; usage cannot exceed credits', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock, '0');
      expect(code(() => core.recordUsage(a, '1000.01'))).toBe('insufficient_credits');
      const r = core.redeem(a, '250');
      expect(r.period.available_credits).toBe('1250');
      expect(r.market_price_usd).toBe('0.02');
      expect(core.getBalances(a).token.total).toBe('750');
      expect(code(() => core.redeem(a, '750.01'))).toBe('insufficient_tokens');
      expect(code(() => core.recordUsage(a, '0.001'))).toBe('invalid_quantity');
      core.recordUsage(a, '1250');
      expect(code(() => core.recordUsage(a, '0.01'))).toBe('insufficient_credits');
      core.checkInvariants();
    });
  });

  describe('cash', () => {
    it('deposits and withdrawals with the withdrawal fee; no overdraft', async () => {
      const { core } = await setup(engine);
      const { account_id } = core.createAccount();
      core.deposit(account_id, '100');
      expect(code(() => core.withdraw(account_id, '99.76'))).toBe('insufficient_funds');
      const w = core.withdraw(account_id, '99.75');
      expect(w.fee_usd).toBe('0.25');
      expect(w.balances.usd.total).toBe('0');
      const types = core.getEvents(account_id, 0, 100).events.map((e) => e.type);
      expect(types.slice(-3)).toEqual(['deposit', 'withdrawal', 'fee']);
      expect(code(() => core.deposit(account_id, '0.001'))).toBe('invalid_amount');
      expect(code(() => core.deposit(account_id, '10000000.01'))).toBe('amount_too_large');
    });
  });

  describe('orders', () => {
    it('limit orders fill at the maker price with maker/taker fees; reservations release', async () => {
      const { core, clock } = await setup(engine);
      const s = funded(core, clock);
      const b = funded(core, clock);
      core.placeOrder(s, order({ client_order_id: 's1', side: 'sell', price: '0.025', quantity: '100' }));
      const r = core.placeOrder(b, order({ client_order_id: 'b1', side: 'buy', price: '0.03', quantity: '150' }));
      expect(r.order).toMatchObject({ status: 'partially_filled', filled_quantity: '100', remaining_quantity: '50', average_price: '0.025', fees_usd: '0.005' });
      // buyer: 1000 − 2.5 − 0.005 fee; 50 × 0.03 × 1.002 = 1.503 reserved.
      expect(core.getBalances(b).usd).toEqual({ total: '997.495', available: '995.992', reserved: '1.503' });
      // seller: + 2.5 − 0.0025 maker fee.
      expect(core.getBalances(s).usd.total).toBe('1002.4975');
      const fills = core.getEvents(b, 0, 100).events.filter((e) => e.type === 'fill');
      expect(fills).toEqual([expect.objectContaining({ liquidity: 'taker', fee_usd: '0.005', price_usd: '0.025', quantity: '100' })]);
      core.cancelOrder(b, r.order.order_id);
      expect(core.getBalances(b).usd.reserved).toBe('0');
      expect(code(() => core.cancelOrder(b, r.order.order_id))).toBe('order_not_open');
    });

    it('client_order_id: same payload returns the original, different payload is refused', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock);
      const first = core.placeOrder(a, order({ client_order_id: 'x', side: 'buy', price: '0.0200', quantity: '10.0' }));
      expect(first.created).toBe(true);
      const again = core.placeOrder(a, order({ client_order_id: 'x', side: 'buy', price: '0.02', quantity: '10' }));
      expect(again).toEqual({ order: first.order, created: false });
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'x', side: 'buy', price: '0.021' })))).toBe('client_order_id_conflict');
      expect(core.listOrders(a, 'all', 10)).toHaveLength(1);
      // Still idempotent after the order ended.
      core.cancelOrder(a, first.order.order_id);
      expect(core.placeOrder(a, order({ client_order_id: 'x', side: 'buy', price: '0.02', quantity: '10' })).created).toBe(false);
      expect(core.getOrderByClientId(a, 'x').status).toBe('canceled');
    });

    it('deadline: refused after it, accepted before it; a retry of an accepted order is not refused', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock);
      const deadline = new Date(clock.t + 1000).toISOString();
      core.placeOrder(a, order({ client_order_id: 'd1', side: 'buy', deadline }));
      clock.t += 1001;
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'd2', side: 'buy', deadline })))).toBe('deadline_passed');
      expect(core.placeOrder(a, order({ client_order_id: 'd1', side: 'buy', deadline })).created).toBe(false);
      expect(code(() => core.getOrderByClientId(a, 'd2'))).toBe('order_not_found');
    });

    it('market orders never fill beyond the protection price', async () => {
      const { core, clock } = await setup(engine);
      const s = funded(core, clock);
      const b = funded(core, clock);
      core.placeOrder(s, order({ client_order_id: 'a1', side: 'sell', price: '0.02', quantity: '10' }));
      core.placeOrder(s, order({ client_order_id: 'a2', side: 'sell', price: '0.03', quantity: '10' }));
      const r = core.placeOrder(b, { client_order_id: 'm', side: 'buy', type: 'market', quantity: '20', time_in_force: 'IOC', protection_price: '0.025' });
      expect(r.order).toMatchObject({ status: 'canceled', filled_quantity: '10', reason: 'market_order_remainder' });
      expect(core.ticker().ask).toBe('0.03');
      expect(code(() => core.placeOrder(b, { client_order_id: 'm2', side: 'buy', type: 'market', quantity: '1', time_in_force: 'IOC' }))).toBe(
        'protection_price_required',
      );
      expect(code(() => core.placeOrder(b, { client_order_id: 'm3', side: 'buy', type: 'market', quantity: '1', time_in_force: 'GTC', protection_price: '1' }))).toBe(
        'invalid_time_in_force',
      );
    });

    it('FOK fills completely or not at all; IOC cancels its remainder; post-only never takes', async () => {
      const { core, clock } = await setup(engine);
      const s = funded(core, clock);
      const b = funded(core, clock);
      core.placeOrder(s, order({ client_order_id: 'a', side: 'sell', price: '0.02', quantity: '10' }));
      const fok = core.placeOrder(b, order({ client_order_id: 'f', side: 'buy', price: '0.02', quantity: '11', time_in_force: 'FOK' }));
      expect(fok.order).toMatchObject({ status: 'canceled', filled_quantity: '0', reason: 'fill_or_kill_not_fillable' });
      const po = core.placeOrder(b, order({ client_order_id: 'p', side: 'buy', price: '0.02', quantity: '5', post_only: true }));
      expect(po.order).toMatchObject({ status: 'rejected', reason: 'post_only_would_cross' });
      const ioc = core.placeOrder(b, order({ client_order_id: 'i', side: 'buy', price: '0.02', quantity: '15', time_in_force: 'IOC' }));
      expect(ioc.order).toMatchObject({ status: 'canceled', filled_quantity: '10' });
      expect(core.getBalances(b).usd.reserved).toBe('0');
      expect(core.bookSnapshot(10).asks).toEqual([]);
    });

    it('GTD orders expire and release their reservation', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock);
      const r = core.placeOrder(a, order({ client_order_id: 'g', side: 'buy', time_in_force: 'GTD', expire_at: new Date(clock.t + 5000).toISOString() }));
      expect(core.getBalances(a).usd.reserved).not.toBe('0');
      clock.t += 5000;
      core.tick();
      expect(core.getOrder(a, r.order.order_id)).toMatchObject({ status: 'expired', reason: 'good_till_date_expired' });
      expect(core.getBalances(a).usd.reserved).toBe('0');
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'g2', side: 'buy', time_in_force: 'GTD', expire_at: new Date(clock.t).toISOString() })))).toBe(
        'expire_at_in_past',
      );
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'g3', side: 'buy', time_in_force: 'GTD' })))).toBe('expire_at_required');
    });

    it('self-trade prevention cancels the newest order', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock);
      const b = funded(core, clock);
      core.placeOrder(b, order({ client_order_id: 'o1', side: 'sell', price: '0.02', quantity: '5' }));
      const mine = core.placeOrder(a, order({ client_order_id: 'o2', side: 'sell', price: '0.021', quantity: '5' }));
      const r = core.placeOrder(a, order({ client_order_id: 'o3', side: 'buy', price: '0.03', quantity: '20' }));
      expect(r.order).toMatchObject({ status: 'canceled', filled_quantity: '5', reason: 'self_trade_prevention' });
      expect(core.getOrder(a, mine.order.order_id).status).toBe('open');
    });

    it('tick size, lot size, ranges and balances are enforced without writing anything', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock, '1');
      const before = core.lastSeq(a);
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'q1', side: 'buy', price: '0.00001' })))).toBe('invalid_tick_size');
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'q2', side: 'buy', quantity: '0.001' })))).toBe('invalid_lot_size');
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'q3', side: 'buy', price: '1000.0001' })))).toBe('price_out_of_range');
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'q4', side: 'buy', price: '0.02', quantity: '100' })))).toBe('insufficient_funds');
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'q5', side: 'sell', quantity: '1000.01' })))).toBe('insufficient_tokens');
      expect(code(() => core.placeOrder(a, order({ client_order_id: 'q6', side: 'buy', quantity: '1000001' })))).toBe('quantity_too_large');
      expect(core.lastSeq(a)).toBe(before);
      expect(core.listOrders(a, 'all', 10)).toEqual([]);
    });

  });

  describe('group commit (batch): one transaction, a savepoint per call', () => {
    it('a refused call undoes only itself; candles, totals and events match the calls that succeeded', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock);
      const b = funded(core, clock, '1');
      const seqA = core.lastSeq(a);
      const seqB = core.lastSeq(b);
      const feesBefore = core.totals().fees_micros;
      const results: string[] = [];
      core.batch(() => {
        core.placeOrder(a, order({ client_order_id: 'm1', side: 'sell', price: '0.02', quantity: '30' }));
        core.placeOrder(b, order({ client_order_id: 't1', side: 'buy', price: '0.02', quantity: '10' })); // fills: a trade
        results.push(code(() => core.placeOrder(b, order({ client_order_id: 't2', side: 'buy', price: '0.02', quantity: '1000' }))));
        // A read inside the batch sees the trade's volume already.
        results.push(core.ticker().volume_24h);
        clock.t += 1000;
        core.placeOrder(b, order({ client_order_id: 't3', side: 'buy', price: '0.021', quantity: '5' })); // fills at 0.02
        results.push(code(() => core.placeOrder(a, order({ client_order_id: 'm2', side: 'sell', price: '0.02', quantity: '100000' }))));
      });
      expect(results).toEqual(['insufficient_funds', '10', 'insufficient_tokens']);
      const candle = core.candles('1m', undefined, 10).candles.at(-1)!;
      expect(candle).toMatchObject({ open: '0.02', close: '0.02', volume: '15' });
      expect(core.ticker().volume_24h).toBe('15');
      // Fees: 10 bps maker + 20 bps taker on 0.2 USD and 0.1 USD of notional.
      expect(core.totals().fees_micros - feesBefore).toBe(200 + 400 + 100 + 200);
      const evA = core.getEvents(a, seqA, 100).events;
      const evB = core.getEvents(b, seqB, 100).events;
      expect(evA.map((e) => e.seq)).toEqual(evA.map((_, i) => seqA + 1 + i));
      expect(evB.map((e) => e.seq)).toEqual(evB.map((_, i) => seqB + 1 + i));
      expect(evB.filter((e) => e.type === 'order').map((e) => (e as { client_order_id: string }).client_order_id)).toEqual(['t1', 't3']);
      // Order numbers stay consecutive across the refusals (the next number is kept in memory).
      const nums = [...core.listOrders(a, 'all', 10), ...core.listOrders(b, 'all', 10)].map((o) => Number(o.order_id.slice(4))).sort((x, y) => x - y);
      expect(nums).toEqual([nums[0], nums[0]! + 1, nums[0]! + 2]);
      expect(core.listOrders(b, 'all', 10).map((o) => [o.client_order_id, o.status, o.filled_quantity])).toEqual([
        ['t3', 'filled', '5'],
        ['t1', 'filled', '10'],
      ]);
      core.checkInvariants();
    });

    it('candle updates accumulated by a savepoint that fails are dropped, earlier ones kept', async () => {
      const { core, clock } = await setup(engine);
      const t = clock.t - 120_000;
      let refused = '';
      core.batch(() => {
        try {
          // The first trade is recorded, then the second (out of order) fails the call.
          core.importHistory([
            { time_ms: t, price_ticks: 300, lots: 7, taker_side: 'buy' },
            { time_ms: t - 1, price_ticks: 999, lots: 1, taker_side: 'buy' },
          ]);
        } catch (e) {
          refused = (e as Error).message;
        }
        core.importHistory([{ time_ms: t, price_ticks: 200, lots: 3, taker_side: 'sell' }]);
      });
      expect(refused).toMatch(/out of order/);
      expect(core.candles('1m', undefined, 10).candles).toEqual([
        { time: Math.floor(t / 60_000) * 60, open: '0.02', high: '0.02', low: '0.02', close: '0.02', volume: '0.03' },
      ]);
      expect(core.tradeCount()).toBe(1);
    });
  });

  describe('cancel of an order that expired meanwhile', () => {
    it('is refused as not open, and the expiry it reports is saved', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock);
      const expire_at = new Date(clock.t + 5_000).toISOString();
      const placed = core.placeOrder(a, order({ client_order_id: 'gtd1', side: 'buy', price: '0.0100', time_in_force: 'GTD', expire_at })).order;
      clock.t += 10_000; // past expire_at, no tick in between
      let refused: PlatformError | null = null;
      try {
        core.cancelOrder(a, placed.order_id);
      } catch (e) {
        refused = e as PlatformError;
      }
      expect(refused?.code).toBe('order_not_open');
      // Read the store itself (getOrder would sweep again and hide a rolled-back expiry).
      const stored = core.db.prepare('SELECT status FROM orders WHERE id = ?').pluck().get(placed.order_id);
      expect(stored).toBe('expired');
      const events = core.getEvents(a, 0, 1000).events.filter((e) => e.type === 'order' && e.client_order_id === 'gtd1').map((e) => (e as { status: string }).status);
      expect(events).toEqual(['open', 'expired']);
    });
  });

  describe('idempotency keys of deposits, withdrawals, usage and redemptions', () => {
    it('a retry with the same request_id gets the first answer and changes nothing', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock, '0');
      const seq0 = core.lastSeq(a);
      const first = core.redeem(a, '5', 'r-1');
      const again = core.redeem(a, '5', 'r-1');
      expect(again).toEqual(first);
      expect(core.lastSeq(a)).toBe(seq0 + 1); // one redemption event
      expect(core.getBalances(a).token.total).toBe('995');

      const d1 = core.deposit(a, '10', 'd-1');
      expect(core.deposit(a, '10', 'd-1')).toEqual(d1);
      expect(core.getBalances(a).usd.total).toBe('10');
      const w1 = core.withdraw(a, '1', 'w-1');
      expect(core.withdraw(a, '1', 'w-1')).toEqual(w1);
      const u1 = core.recordUsage(a, '3', 'u-1');
      expect(core.recordUsage(a, '3', 'u-1')).toEqual(u1);
      expect(core.getSubscription(a).current_period.used_credits).toBe('3');
      // Without a key every call is a new request.
      core.deposit(a, '10');
      core.deposit(a, '10');
      expect(dec(core.getBalances(a).usd.total).minus(dec(w1.balances.usd.total)).toFixed()).toBe('20');
    });

    it('refuses a request_id reused for another request, and changes nothing', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock, '100');
      core.redeem(a, '5', 'k');
      const seq = core.lastSeq(a);
      expect(code(() => core.redeem(a, '6', 'k'))).toBe('request_id_reused');
      expect(code(() => core.deposit(a, '5', 'k'))).toBe('request_id_reused');
      expect(core.lastSeq(a)).toBe(seq);
      // Keys are per account: another account may use the same one.
      const b = funded(core, clock, '0');
      expect(core.redeem(b, '6', 'k').tokens).toBe('6');
    });

    it('a refused request leaves its key free (the retry is judged afresh)', async () => {
      const { core, clock } = await setup(engine);
      const a = funded(core, clock, '0');
      expect(code(() => core.withdraw(a, '50', 'w'))).toBe('insufficient_funds');
      core.deposit(a, '100');
      expect(core.withdraw(a, '50', 'w').amount_usd).toBe('50');
    });

    it('forgets keys after the retention window', async () => {
      // Day-long periods: a 7-day jump then closes 7 periods, not 10,080 one-minute ones (that took ~60 s).
      const { core, clock } = await setup(engine, { period_ms: 24 * 3_600_000 });
      const a = funded(core, clock, '0');
      core.deposit(a, '1', 'old');
      clock.t += REQUEST_ID_TTL_MS + 1;
      core.deposit(a, '1', 'new'); // prunes
      core.deposit(a, '1', 'old'); // a new request now
      expect(core.getBalances(a).usd.total).toBe('3');
    });
  });
});

describe('orders on a SQLite file', () => {
  it('the book survives a restart (rebuilt from open orders)', () => {
    const dir = `${process.env.TMPDIR ?? '/tmp'}/platform-restart-${process.pid}-${Date.now()}.db`;
    const clock = { t: T0 };
    let core = new PlatformCore({ db_path: dir, now_ms: () => clock.t, config: { paranoid: true, period_ms: PERIOD } });
    const a = funded(core, clock);
    core.placeOrder(a, order({ client_order_id: 'r1', side: 'buy', price: '0.019' }));
    core.placeOrder(a, order({ client_order_id: 'r2', side: 'sell', price: '0.021' }));
    const snap = core.bookSnapshot(10);
    core.close();
    core = new PlatformCore({ db_path: dir, now_ms: () => clock.t, config: { paranoid: true, period_ms: PERIOD } });
    expect(core.bookSnapshot(10)).toMatchObject({ bids: snap.bids, asks: snap.asks });
    core.checkInvariants();
    core.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(dir + suffix, { force: true });
  });
});

describe('store schema', () => {
  it('migrates a version 1 store (events WITHOUT ROWID) to version 2 with the same events', () => {
    const path = `${process.env.TMPDIR ?? '/tmp'}/platform-migrate-${process.pid}-${Date.now()}.db`;
    const clock = { t: T0 };
    let core = new PlatformCore({ db_path: path, now_ms: () => clock.t, config: { paranoid: true, period_ms: PERIOD } });
    const a = funded(core, clock);
    core.placeOrder(a, order({ client_order_id: 'v1', side: 'buy', price: '0.019' }));
    const before = core.getEvents(a, 0, 100);
    // Put the store back into the version 1 layout.
    core.db.exec(`
      CREATE TABLE events_v1 (account_id TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (account_id, seq)) WITHOUT ROWID;
      INSERT INTO events_v1 SELECT account_id, seq, json FROM events;
      DROP TABLE events;
      ALTER TABLE events_v1 RENAME TO events;
      UPDATE meta SET value = '1' WHERE key = 'schema_version';`);
    core.close();
    core = new PlatformCore({ db_path: path, now_ms: () => clock.t, config: { paranoid: true, period_ms: PERIOD } });
    expect(core.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get()).toBe('2');
    expect(core.getEvents(a, 0, 100)).toEqual(before);
    core.deposit(a, '1');
    expect(core.lastSeq(a)).toBe(before.last_seq + 1);
    core.checkInvariants();
    core.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  });
});

describe('API secrets at rest', () => {
  it('are sealed in the database with a key kept in a separate file, and still verify', async () => {
    const { mkdtempSync, readFileSync, statSync } = await import('node:fs');
    const os = await import('node:os');
    const nodePath = await import('node:path');
    const Database = (await import('better-sqlite3')).default;
    const { PlatformCore } = await import('../../platform/core/core.js');
    const dir = mkdtempSync(nodePath.join(os.tmpdir(), 'cw-secrets-'));
    const db_path = nodePath.join(dir, 'p.db');
    const core = new PlatformCore({ db_path });
    const { account_id } = core.createAccount({});
    const key = core.createApiKey(account_id);
    expect(core.apiKey(key.key_id)?.secret).toBe(key.secret);
    core.db.close();
    const raw = new Database(db_path, { readonly: true });
    const stored = raw.prepare('SELECT secret FROM api_keys WHERE key_id = ?').pluck().get(key.key_id) as string;
    raw.close();
    expect(stored.startsWith('enc1:')).toBe(true);
    expect(stored).not.toContain(key.secret);
    expect(readFileSync(db_path).includes(key.secret)).toBe(false);
    expect(statSync(`${db_path}.secrets-key`).mode & 0o077).toBe(0);
    const again = new PlatformCore({ db_path }); // the key file opens the sealed secret after a restart
    expect(again.apiKey(key.key_id)?.secret).toBe(key.secret);
    again.db.close();
  });
});
