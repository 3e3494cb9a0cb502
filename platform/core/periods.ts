// Billing periods: opening, closing (mint or renewal credit), the election, usage and
// redemptions of tokens for credits.
import { D, dec, toCanonical } from '../../shared/money.js';
import type { Period, Plan, Subscription } from '../../shared/platform/api.js';
import { badRequest, unprocessable } from './errors.js';
import { once } from './idempotency.js';
import type { CoreKernel } from './kernel.js';
import type { MarketData } from './market-data.js';
import { creditValueUsd, faceValue, MAX_PERIOD_CLOSES_PER_TICK, type PeriodRow, type PlanConfig } from './types.js';
import { assert, assertSafe, isoFromMs, LOT_SIZE, lotsToQty, MAX_QUANTITY_LOTS, MAX_TOKEN_LOTS, qtyToLots } from './units.js';

export function planView(p: PlanConfig): Plan {
  return { id: p.id, name: p.name, price_usd: p.price_usd, credits: p.credits, face_value_usd: faceValue(p), min_charge_usd: p.min_charge_usd };
}

export function lotsOrThrow(text: string, what: string): number {
  const lots = qtyToLots(text);
  if (lots === null || lots <= 0) throw badRequest('invalid_quantity', `${what} must be a positive multiple of ${LOT_SIZE}`);
  if (lots > MAX_QUANTITY_LOTS * 100) throw badRequest('amount_too_large', `${what} too large`);
  return lots;
}

function periodView(p: PeriodRow): Period {
  return {
    period_id: p.id,
    index: p.idx,
    starts_at: isoFromMs(p.starts_ms),
    ends_at: isoFromMs(p.ends_ms),
    price_usd: p.price_usd,
    credits: lotsToQty(p.credits_lots),
    used_credits: lotsToQty(p.used_lots),
    redeemed_credits: lotsToQty(p.redeemed_lots),
    available_credits: lotsToQty(p.credits_lots + p.redeemed_lots - p.used_lots),
    face_value_usd: p.face_value_usd,
    election: p.election,
    status: p.status,
  };
}

export class Periods {
  constructor(
    private readonly k: CoreKernel,
    private readonly market: MarketData,
  ) {}

  openPeriod(account_id: string, plan: PlanConfig, idx: number, starts_ms: number, price_usd: string): void {
    const ends_ms = assertSafe(starts_ms + this.k.config.period_ms, 'period end');
    const id = `per_${account_id}_${idx}`;
    const credits_lots = qtyToLots(plan.credits);
    assert(credits_lots !== null, 'plan credits not in lots');
    const face = faceValue(plan);
    this.k.store.insertPeriod({ id, account_id, idx, starts_ms, ends_ms, price_usd, credits_lots, face_value_usd: face, election: 'mint' });
    this.k.emit(account_id, {
      type: 'period_open',
      period_id: id,
      plan_id: plan.id,
      price_usd,
      credits: plan.credits,
      face_value_usd: face,
      starts_at: isoFromMs(starts_ms),
      ends_at: isoFromMs(ends_ms),
    });
  }

  private currentPeriod(account_id: string): PeriodRow {
    this.closeDuePeriods(account_id);
    const p = this.k.store.openPeriod(account_id);
    assert(p, `account ${account_id} has no open period`);
    return p;
  }

  /** Closes every period of `account_id` (or of everyone) whose end has passed. */
  closeDuePeriods(account_id?: string): number {
    let closed = 0;
    for (;;) {
      const now = this.k.now_ms();
      let due: PeriodRow[];
      if (account_id) {
        const p = this.k.store.openPeriod(account_id);
        due = p && p.ends_ms <= now ? [p] : [];
      } else {
        due = this.k.store.duePeriods(now, 100);
      }
      if (due.length === 0) return closed;
      for (const p of due) {
        this.closePeriod(p);
        closed++;
      }
      // Bounded work per call: a long outage is caught up over the next ticks.
      if (closed >= MAX_PERIOD_CLOSES_PER_TICK) return closed;
    }
  }

  private closePeriod(p: PeriodRow): void {
    const k = this.k;
    const acct = k.account(p.account_id);
    const plan = k.plan(acct.plan_id);
    const unused = p.credits_lots + p.redeemed_lots - p.used_lots;
    assert(unused >= 0, 'negative unused credits');
    k.store.closePeriod(p.id, unused);
    k.emit(p.account_id, { type: 'period_close', period_id: p.id, unused_credits: lotsToQty(unused), election: p.election });
    let next_price = plan.price_usd;
    if (unused > 0 && p.election === 'mint') {
      assert(acct.tok_total + unused <= MAX_TOKEN_LOTS, 'token balance limit');
      k.move(p.account_id, 0, 0, unused, 0);
      k.aggregates.addTotals(0, 0, 0, unused, 0);
      k.emit(p.account_id, {
        type: 'mint',
        period_id: p.id,
        tokens: lotsToQty(unused),
        face_value_usd: p.face_value_usd,
        market_price_usd: this.market.marketPrice(),
        allocated_cost_usd: creditValueUsd(unused, plan),
      });
    } else if (unused > 0) {
      const raw = dec(creditValueUsd(unused, plan));
      const price = dec(plan.price_usd);
      const floor = dec(plan.min_charge_usd);
      const next = D.max(price.minus(raw), floor);
      const credit = price.minus(next);
      const forfeited = raw.minus(credit);
      assert(credit.gte(0) && forfeited.gte(0) && next.gte(floor), 'renewal credit arithmetic');
      next_price = toCanonical(next);
      k.emit(p.account_id, {
        type: 'renewal_credit',
        period_id: p.id,
        credits: lotsToQty(unused),
        credit_usd: toCanonical(credit),
        forfeited_usd: toCanonical(forfeited),
        next_price_usd: next_price,
      });
    }
    this.openPeriod(p.account_id, plan, p.idx + 1, p.ends_ms, next_price);
  }

  getSubscription(account_id: string): Subscription {
    return this.k.tx(() => {
      const acct = this.k.account(account_id);
      const plan = this.k.plan(acct.plan_id);
      const p = this.currentPeriod(account_id);
      const unused = p.credits_lots + p.redeemed_lots - p.used_lots;
      let estimate = plan.price_usd;
      if (p.election === 'renewal_credit' && unused > 0) {
        estimate = toCanonical(D.max(dec(plan.price_usd).minus(dec(creditValueUsd(unused, plan))), dec(plan.min_charge_usd)));
      }
      return { account_id, plan: planView(plan), current_period: periodView(p), estimated_next_price_usd: estimate };
    });
  }

  setElection(account_id: string, election: 'mint' | 'renewal_credit'): Subscription {
    this.k.tx(() => {
      const p = this.currentPeriod(account_id);
      if (p.election === election) return;
      this.k.store.setElection(p.id, election);
      this.k.emit(account_id, { type: 'election', period_id: p.id, election });
    });
    return this.getSubscription(account_id);
  }

  recordUsage(account_id: string, credits: string, request_id?: string): { period: Period; seq: number } {
    const k = this.k;
    return k.tx(() =>
      once(k, account_id, 'usage', request_id, { credits }, () => {
        const lots = lotsOrThrow(credits, 'credits');
        const p = this.currentPeriod(account_id);
        const available = p.credits_lots + p.redeemed_lots - p.used_lots;
        if (lots > available) {
          throw unprocessable('insufficient_credits', `usage of ${credits} credits exceeds the ${lotsToQty(available)} available this period`);
        }
        k.store.addUsedLots(p.id, lots);
        const ev = k.emit(account_id, { type: 'usage', period_id: p.id, credits: lotsToQty(lots) });
        return { period: periodView({ ...p, used_lots: p.used_lots + lots }), seq: ev.seq };
      }),
    );
  }

  redeem(account_id: string, tokens: string, request_id?: string): { period: Period; tokens: string; market_price_usd: string; seq: number } {
    const k = this.k;
    return k.tx(() =>
      once(k, account_id, 'redemption', request_id, { tokens }, () => {
        const lots = lotsOrThrow(tokens, 'tokens');
        const acct = k.account(account_id);
        const p = this.currentPeriod(account_id);
        if (lots > acct.tok_total - acct.tok_reserved) {
          throw unprocessable('insufficient_tokens', `redeeming ${tokens} tokens exceeds the ${lotsToQty(acct.tok_total - acct.tok_reserved)} available`);
        }
        k.move(account_id, 0, 0, -lots, 0);
        k.store.addRedeemedLots(p.id, lots);
        k.aggregates.addTotals(0, 0, 0, 0, lots);
        const market_price_usd = this.market.marketPrice();
        const ev = k.emit(account_id, {
          type: 'redemption',
          period_id: p.id,
          tokens: lotsToQty(lots),
          credits: lotsToQty(lots),
          market_price_usd,
        });
        return { period: periodView({ ...p, redeemed_lots: p.redeemed_lots + lots }), tokens: lotsToQty(lots), market_price_usd, seq: ev.seq };
      }),
    );
  }
}
