// Property tests of the matching engine on random order streams:
//  - the pure book against a naive reference (price-time priority, exact fills), never crossed at rest;
//  - the full core (balances, fees, reservations, events) for conservation and no negative balance.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook, type Side } from '../../platform/core/book.js';
import { describeEngines } from '../support/engines.js';
import { PlatformError } from '../../platform/core/errors.js';
import { D } from '../../shared/money.js';
import type { OrderRequest } from '../../shared/platform/api.js';

// ---------------------------------------------------------------- pure book vs reference

interface RefOrder {
  num: number;
  account: string;
  side: Side;
  price: number;
  remaining: number;
}

/** The obvious, slow implementation: sort all candidates by price then time. */
function refMatch(book: RefOrder[], side: Side, limit: number, lots: number, account: string) {
  const candidates = book
    .filter((o) => o.side !== side && (side === 'buy' ? o.price <= limit : o.price >= limit))
    .sort((a, b) => (side === 'buy' ? a.price - b.price : b.price - a.price) || a.num - b.num);
  const fills: { num: number; price: number; lots: number }[] = [];
  let remaining = lots;
  let self_trade = false;
  for (const o of candidates) {
    if (remaining === 0) break;
    if (o.account === account) {
      self_trade = true;
      break;
    }
    const q = Math.min(remaining, o.remaining);
    fills.push({ num: o.num, price: o.price, lots: q });
    o.remaining -= q;
    remaining -= q;
  }
  return { fills, remaining, self_trade, book: book.filter((o) => o.remaining > 0) };
}

const opArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      account: fc.constantFrom('a', 'b', 'c'),
      side: fc.constantFrom<Side>('buy', 'sell'),
      price: fc.integer({ min: 95, max: 105 }),
      lots: fc.integer({ min: 1, max: 50 }),
      rest: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
);

describe('order book (pure) against a reference implementation', () => {
  it('fills in price-time priority, exactly like the reference; never crossed at rest', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 150, size: 'max' }), (ops) => {
        const book = new OrderBook();
        let ref: RefOrder[] = [];
        let num = 0;
        for (const op of ops) {
          if (op.kind === 'cancel') {
            if (ref.length === 0) continue;
            const victim = ref[op.pick % ref.length]!;
            expect(book.cancel(victim.num)?.num).toBe(victim.num);
            ref = ref.filter((o) => o.num !== victim.num);
          } else {
            num++;
            const expected = refMatch(ref, op.side, op.price, op.lots, op.account);
            ref = expected.book;
            const got = book.match(op.side, op.price, op.lots, op.account);
            expect(got.fills.map((f) => ({ num: f.maker.num, price: f.price, lots: f.lots }))).toEqual(expected.fills);
            expect(got.remaining).toBe(expected.remaining);
            expect(got.self_trade).toBe(expected.self_trade);
            if (op.rest && got.remaining > 0 && !got.self_trade) {
              book.add({ num, account: op.account, side: op.side, price: op.price, remaining: got.remaining, live: true });
              ref.push({ num, account: op.account, side: op.side, price: op.price, remaining: got.remaining });
            }
          }
          book.checkInvariants();
          expect(book.byNum.size).toBe(ref.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------- full core

const ACCOUNTS = 3;
const PERIOD = 3_600_000;

const coreOp = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      who: fc.nat({ max: ACCOUNTS - 1 }),
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      type: fc.constantFrom<'limit' | 'market'>('limit', 'limit', 'limit', 'market'),
      price: fc.integer({ min: 180, max: 220 }), // ticks: 0.018 .. 0.022
      lots: fc.integer({ min: 1, max: 40_000 }), // 0.01 .. 400 tokens
      tif: fc.constantFrom<OrderRequest['time_in_force']>('GTC', 'GTC', 'IOC', 'FOK', 'GTD'),
      post_only: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), who: fc.nat({ max: ACCOUNTS - 1 }), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deposit' as const), who: fc.nat({ max: ACCOUNTS - 1 }), cents: fc.integer({ min: 1, max: 100_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), who: fc.nat({ max: ACCOUNTS - 1 }), cents: fc.integer({ min: 1, max: 200_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('redeem' as const), who: fc.nat({ max: ACCOUNTS - 1 }), lots: fc.integer({ min: 1, max: 50_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 1, max: PERIOD }) }) },
);

const usd = (lots: number, per: number) => new D(lots).div(per).toFixed();

describeEngines('core on random order streams', (engine) => {
  it('conserves cash and tokens, never goes negative, keeps reservations and the book in sync', async () => {
    let fills = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(coreOp, { minLength: 20, maxLength: 80, size: 'max' }), async (ops) => {
        const clock = { t: Date.parse('2026-01-01T00:00:00Z') };
        // paranoid: every transaction re-checks all invariants and validates every event with zod.
        const core = await engine.core({ now_ms: () => clock.t, config: { paranoid: true, period_ms: PERIOD } });
        try {
          const accts: string[] = [];
          for (let i = 0; i < ACCOUNTS; i++) {
            accts.push(core.createAccount({ start_ms: clock.t - PERIOD }).account_id);
            core.deposit(accts[i]!, '50');
          }
          core.tick();
          let n = 0;
          for (const op of ops) {
            const a = accts[op.kind === 'time' ? 0 : op.who]!;
            try {
              switch (op.kind) {
                case 'order': {
                  const req: OrderRequest = {
                    client_order_id: `o${++n}`,
                    side: op.side,
                    type: op.type,
                    quantity: usd(op.lots, 100),
                    time_in_force: op.type === 'market' ? (op.tif === 'FOK' ? 'FOK' : 'IOC') : op.tif,
                  };
                  if (op.type === 'limit') req.price = usd(op.price, 10_000);
                  else req.protection_price = usd(op.price, 10_000);
                  if (req.time_in_force === 'GTD') req.expire_at = new Date(clock.t + 60_000).toISOString();
                  if (op.post_only && op.type === 'limit' && (req.time_in_force === 'GTC' || req.time_in_force === 'GTD')) req.post_only = true;
                  core.placeOrder(a, req);
                  break;
                }
                case 'cancel': {
                  const open = core.listOrders(a, 'open', 100);
                  if (open.length > 0) core.cancelOrder(a, open[op.pick % open.length]!.order_id);
                  break;
                }
                case 'deposit':
                  core.deposit(a, usd(op.cents, 100));
                  break;
                case 'withdraw':
                  core.withdraw(a, usd(op.cents, 100));
                  break;
                case 'redeem':
                  core.redeem(a, usd(op.lots, 100));
                  break;
                case 'time':
                  clock.t += op.ms;
                  core.tick();
                  break;
              }
            } catch (e) {
              if (!(e instanceof PlatformError) || e.status >= 500) throw e;
            }
          }
          // Independent conservation check, from the event feed alone.
          let cash = new D(0);
          let tokens = new D(0);
          let balances_usd = new D(0);
          let balances_tok = new D(0);
          for (const a of accts) {
            const b = core.getBalances(a);
            for (const x of [b.usd.total, b.usd.available, b.usd.reserved, b.token.total, b.token.available, b.token.reserved]) {
              expect(new D(x).gte(0)).toBe(true);
            }
            balances_usd = balances_usd.plus(b.usd.total);
            balances_tok = balances_tok.plus(b.token.total);
            const page = core.getEvents(a, 0, 5000);
            expect(page.events.map((e) => e.seq)).toEqual(page.events.map((_, i) => i + 1));
            expect(page.last_seq).toBe(b.as_of_seq);
            for (const e of page.events) {
              if (e.type === 'deposit') cash = cash.plus(e.amount_usd);
              if (e.type === 'withdrawal') cash = cash.minus(e.amount_usd);
              if (e.type === 'fee') cash = cash.minus(e.amount_usd);
              if (e.type === 'fill') {
                fills++;
                const notional = new D(e.price_usd).mul(e.quantity);
                cash = cash.plus(e.side === 'sell' ? notional : notional.neg()).minus(e.fee_usd);
                tokens = tokens.plus(e.side === 'buy' ? e.quantity : new D(e.quantity).neg());
              }
              if (e.type === 'mint') tokens = tokens.plus(e.tokens);
              if (e.type === 'redemption') tokens = tokens.minus(e.tokens);
            }
          }
          expect(balances_usd.toFixed()).toBe(cash.toFixed());
          expect(balances_tok.toFixed()).toBe(tokens.toFixed());
          const bb = core.book.bestBid();
          const ba = core.book.bestAsk();
          if (bb !== null && ba !== null) expect(bb).toBeLessThan(ba);
          core.checkInvariants();
        } finally {
          await core.close();
        }
      }),
      { numRuns: 60 },
    );
    // The streams must actually trade, or the property says nothing about matching.
    expect(fills).toBeGreaterThan(100);
  }, 120_000);
});
