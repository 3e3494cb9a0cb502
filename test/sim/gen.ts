// Deterministic generator of valid platform event streams (seeded), with an independent
// model of the balances the ledger must end up with. Used by tests, the crash child,
// the simulator and the benchmark.
import type { AccountEvent } from '../../shared/platform/events.js';

/** mulberry32: small, fast, seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Model {
  usd_micros: bigint;
  token_lots: bigint;
  credit_lots: bigint;
}

/** 1 micro = 10^-6 USD; 1 lot = 0.01 TOKEN or CREDIT (the platform's units). */
export function microsText(n: bigint): string {
  return scaledText(n, 6);
}
export function lotsText(n: bigint): string {
  return scaledText(n, 2);
}
function scaledText(n: bigint, digits: number): string {
  const neg = n < 0n;
  const s = (neg ? -n : n).toString().padStart(digits + 1, '0');
  const frac = s.slice(s.length - digits).replace(/0+$/, '');
  const out = s.slice(0, s.length - digits) + (frac ? '.' + frac : '');
  return n === 0n ? '0' : (neg ? '-' : '') + out;
}

export function modelBalances(m: Model): { usd: string; token: string; credits: string } {
  return { usd: microsText(m.usd_micros), token: lotsText(m.token_lots), credits: lotsText(m.credit_lots) };
}

export interface StreamOptions {
  seed: number;
  count: number;
  account_id?: string;
  /** Event id prefix, so different streams never share ids. */
  id_prefix?: string;
}

/** Generates `count` valid events with seqs 1..count and the final model. */
export function generateStream(opts: StreamOptions): { events: AccountEvent[]; model: Model } {
  const r = rng(opts.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const account_id = opts.account_id ?? 'acct-1';
  const prefix = opts.id_prefix ?? `s${opts.seed}`;
  const m: Model = { usd_micros: 0n, token_lots: 0n, credit_lots: 0n };
  const events: AccountEvent[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  let period = 0;
  let order = 0;
  const base = (seq: number) => ({ id: `${prefix}-${seq}`, seq, account_id, time: new Date(t0 + seq * 1000).toISOString() });
  const period_id = () => `p${period}`;
  const openPeriod = (seq: number): AccountEvent => {
    period += 1;
    const credits = BigInt(int(100, 5000)) * 100n;
    m.credit_lots += credits;
    return {
      ...base(seq), type: 'period_open', period_id: period_id(), plan_id: 'plan-pro', price_usd: '20',
      credits: lotsText(credits), face_value_usd: '0.004', starts_at: base(seq).time, ends_at: new Date(t0 + seq * 1000 + 86_400_000).toISOString(),
    };
  };
  for (let seq = 1; seq <= opts.count; seq++) {
    if (seq === 1) {
      const amt = BigInt(int(1000, 100000)) * 1_000_000n;
      m.usd_micros += amt;
      events.push({ ...base(seq), type: 'deposit', amount_usd: microsText(amt) });
      continue;
    }
    if (seq === 2 || period === 0) {
      events.push(openPeriod(seq));
      continue;
    }
    const k = r();
    if (k < 0.25) {
      const lots = BigInt(int(1, 500));
      const ticks = BigInt(int(1, 20000));
      const notional = lots * ticks; // micros
      const fee = notional / 500n;
      const side = r() < 0.5 ? 'buy' : 'sell';
      const ok = side === 'buy' ? m.usd_micros >= notional + fee : m.token_lots >= lots && notional >= fee;
      if (ok) {
        if (side === 'buy') { m.usd_micros -= notional + fee; m.token_lots += lots; }
        else { m.usd_micros += notional - fee; m.token_lots -= lots; }
        order += 1;
        events.push({
          ...base(seq), type: 'fill', trade_id: `t${seq}`, order_id: `o${order}`, client_order_id: `c${order}`, side,
          price_usd: microsText(ticks * 100n), quantity: lotsText(lots), fee_usd: microsText(fee), liquidity: r() < 0.5 ? 'maker' : 'taker',
        });
        continue;
      }
    }
    if (k < 0.45) {
      order += 1;
      events.push({
        ...base(seq), type: 'order', order_id: `o${order}`, client_order_id: `c${order}`, status: 'open', side: r() < 0.5 ? 'buy' : 'sell',
        order_type: 'limit', price_usd: '1.25', quantity: '3.5', filled_quantity: '0', reason: null,
      });
      continue;
    }
    if (k < 0.65 && m.credit_lots > 0n) {
      const lots = BigInt(int(1, Math.min(1000, Number(m.credit_lots))));
      m.credit_lots -= lots;
      events.push({ ...base(seq), type: 'usage', period_id: period_id(), credits: lotsText(lots) });
      continue;
    }
    if (k < 0.7 && m.token_lots > 0n) {
      const lots = BigInt(int(1, Math.min(200, Number(m.token_lots))));
      m.token_lots -= lots;
      m.credit_lots += lots;
      events.push({ ...base(seq), type: 'redemption', period_id: period_id(), tokens: lotsText(lots), credits: lotsText(lots), market_price_usd: '0.005' });
      continue;
    }
    if (k < 0.74) {
      const amt = BigInt(int(1, 500)) * 10_000n;
      m.usd_micros += amt;
      events.push({ ...base(seq), type: 'deposit', amount_usd: microsText(amt) });
      continue;
    }
    if (k < 0.77 && m.usd_micros > 1_000_000n) {
      const amt = m.usd_micros / 10n;
      m.usd_micros -= amt;
      events.push({ ...base(seq), type: 'withdrawal', amount_usd: microsText(amt) });
      continue;
    }
    if (k < 0.79 && m.usd_micros >= 10_000n) {
      m.usd_micros -= 10_000n;
      events.push({ ...base(seq), type: 'fee', amount_usd: '0.01', reason: 'withdrawal fee' });
      continue;
    }
    if (k < 0.82) {
      // Close the period: unused credits are minted or credited against renewal; the next
      // event opens the next period.
      const unused = m.credit_lots;
      const election = r() < 0.6 ? 'mint' : 'renewal_credit';
      events.push({ ...base(seq), type: 'period_close', period_id: period_id(), unused_credits: lotsText(unused), election });
      if (unused > 0n && seq < opts.count) {
        seq += 1;
        m.credit_lots = 0n;
        if (election === 'mint') {
          m.token_lots += unused;
          events.push({
            ...base(seq), type: 'mint', period_id: period_id(), tokens: lotsText(unused), face_value_usd: '0.004', market_price_usd: '0.005',
            allocated_cost_usd: microsText(unused * 40n),
          });
        } else {
          events.push({
            ...base(seq), type: 'renewal_credit', period_id: period_id(), credits: lotsText(unused), credit_usd: '1', forfeited_usd: '0', next_price_usd: '19',
          });
        }
      }
      if (seq < opts.count) {
        seq += 1;
        events.push(openPeriod(seq));
      }
      continue;
    }
    events.push({ ...base(seq), type: 'election', period_id: period_id(), election: r() < 0.5 ? 'mint' : 'renewal_credit' });
  }
  if (events.length !== opts.count) throw new Error(`generator produced ${events.length} events, wanted ${opts.count}`);
  return { events, model: m };
}
