// The seeded market simulator: simulated accounts quote around a drifting fair value and
// now and then take liquidity, so the book, trades, candles and ticker move. It also
// records usage for the demo account. All through the public core API: the simulated
// accounts hold real balances (their tokens come from real mints of a bulk plan).
import type { PlatformCore } from '../core/core.js';
import { PlatformError } from '../core/errors.js';
import { lotsToQty, priceToTicks, ticksToPrice, LOTS_PER_TOKEN } from '../core/units.js';
import { FairValue, Rng } from './random.js';

export const SIM_PLAN = { id: 'sim_bulk', name: 'Simulated bulk', price_usd: '20000', credits: '1000000', min_charge_usd: '0.01' };

export interface SimOptions {
  seed: number;
  accounts: number;
  /** The demo account: gets usage now and then. */
  demo_account_id?: string;
  /** Bound on resting orders per simulated account. */
  max_open_per_account: number;
}

const META_KEY = 'sim_accounts';

export class MarketSimulator {
  readonly rng: Rng;
  readonly fair: FairValue;
  readonly accounts: string[] = [];
  private open = new Map<string, string[]>();
  private n = 0;
  private timer: NodeJS.Timeout | null = null;
  private last_ms: number;
  readonly opts: SimOptions;

  constructor(
    readonly core: PlatformCore,
    opts: Partial<SimOptions> = {},
  ) {
    this.opts = { seed: 1, accounts: 6, max_open_per_account: 8, ...opts };
    this.rng = new Rng(this.opts.seed);
    const face_ticks = priceToTicks(core.faceValueUsd());
    if (face_ticks === null) throw new Error('face value is not a whole number of ticks');
    const last = priceToTicks(core.marketPrice())!;
    this.fair = new FairValue(this.rng, face_ticks, last / face_ticks - 1);
    this.last_ms = core.now_ms();
  }

  /** Creates (or finds) the simulated accounts and funds them: cash deposits, tokens minted at their first period close. */
  setup(): void {
    const core = this.core;
    const known = core.store.getMeta(META_KEY);
    if (known) {
      this.accounts.push(...(JSON.parse(known) as string[]));
    } else {
      core.createPlan(SIM_PLAN);
      const now = core.now_ms();
      for (let i = 0; i < this.opts.accounts; i++) {
        // Backdated one period: the first tick closes it and mints the unused bulk credits.
        const { account_id } = core.createAccount({ plan_id: SIM_PLAN.id, kind: 'sim', start_ms: now - core.config.period_ms });
        core.deposit(account_id, '100000');
        this.accounts.push(account_id);
      }
      core.store.setMeta(META_KEY, JSON.stringify(this.accounts));
      core.tick();
    }
    for (const a of this.accounts) {
      const ids = core.listOrders(a, 'open', 100).map((o) => o.order_id);
      this.open.set(a, ids);
      this.n = Math.max(this.n, ids.length);
    }
    this.n = core.store.orderCount();
  }

  private clientId(): string {
    return `sim-${++this.n}-${this.rng.int(0, 1e9)}`;
  }

  /** One simulation step: move the fair value, requote, maybe take, maybe use credits. */
  step(): { orders: number; trades_before: number } {
    const core = this.core;
    const now = core.now_ms();
    const dt_s = Math.max(0.1, (now - this.last_ms) / 1000);
    this.last_ms = now;
    const fair = this.fair.step(dt_s);
    let orders = 0;
    const trades_before = core.tradeCount();
    for (const a of this.accounts) {
      const mine = this.open.get(a) ?? [];
      // Cancel the oldest quotes when over the bound, and some at random (quotes go stale).
      while (mine.length > 0 && (mine.length >= this.opts.max_open_per_account || this.rng.chance(0.15))) {
        const id = mine.shift()!;
        this.quietly(() => core.cancelOrder(a, id));
      }
      if (this.rng.chance(0.7)) {
        const side = this.rng.chance(0.5) ? 'buy' : 'sell';
        const offset = Math.max(1, Math.round(fair * (0.002 + this.rng.next() * 0.02)));
        const price = side === 'buy' ? fair - offset : fair + offset;
        if (price >= 1) {
          const lots = this.lots();
          const o = this.quietly(() =>
            core.placeOrder(a, { client_order_id: this.clientId(), side, type: 'limit', price: ticksToPrice(price), quantity: lotsToQty(lots), time_in_force: 'GTC' }),
          );
          orders++;
          if (o && (o.order.status === 'open' || o.order.status === 'partially_filled')) mine.push(o.order.order_id);
        }
      }
      this.open.set(a, mine);
    }
    // A taker crosses the spread now and then, pushing the price towards fair value.
    if (this.accounts.length > 0 && this.rng.chance(0.35)) {
      const a = this.rng.pick(this.accounts);
      const bid = core.book.bestBid();
      const ask = core.book.bestAsk();
      const side = ask !== null && ask < fair ? 'buy' : bid !== null && bid > fair ? 'sell' : this.rng.chance(0.5) ? 'buy' : 'sell';
      const protection = side === 'buy' ? Math.round(fair * 1.03) : Math.max(1, Math.round(fair * 0.97));
      this.quietly(() =>
        core.placeOrder(a, {
          client_order_id: this.clientId(),
          side,
          type: 'market',
          quantity: lotsToQty(this.lots()),
          time_in_force: 'IOC',
          protection_price: ticksToPrice(protection),
        }),
      );
      orders++;
    }
    if (this.opts.demo_account_id && this.rng.chance(0.1)) {
      const credits = lotsToQty(this.rng.int(10, 500));
      this.quietly(() => core.recordUsage(this.opts.demo_account_id!, credits));
    }
    return { orders, trades_before };
  }

  /** Order sizes: mostly small, sometimes large (log-uniform 1..300 tokens). */
  private lots(): number {
    return Math.max(1, Math.round(Math.exp(this.rng.next() * Math.log(300)) * LOTS_PER_TOKEN));
  }

  /** Expected refusals (insufficient funds, order already filled) are part of the game. */
  private quietly<T>(fn: () => T): T | null {
    try {
      return fn();
    } catch (e) {
      if (e instanceof PlatformError) return null;
      throw e;
    }
  }

  start(step_ms = 700, on_error: (e: unknown) => void = console.error): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.step();
      } catch (e) {
        on_error(e);
      }
    }, step_ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
