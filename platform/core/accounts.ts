// Plans, accounts and API keys. Secrets are sealed at rest (secret-box.ts) and cached
// opened for the authenticator only.
import { randomBytes } from 'node:crypto';
import { dec } from '../../shared/money.js';
import type { Account } from '../../shared/platform/api.js';
import type { CoreKernel } from './kernel.js';
import { planView, type Periods } from './periods.js';
import type { SecretBox } from './secret-box.js';
import { MAX_CACHED_KEYS, type PlanConfig } from './types.js';
import { assert, isoFromMs, qtyToLots } from './units.js';

export class Accounts {
  private keys = new Map<string, { account_id: string; secret: string }>();

  constructor(
    private readonly k: CoreKernel,
    private readonly periods: Periods,
    private readonly secrets: SecretBox,
  ) {}

  ensurePlan(p: PlanConfig): void {
    assert(dec(p.price_usd).gt(dec(p.min_charge_usd)), 'plan price must exceed its minimum charge');
    assert(qtyToLots(p.credits) !== null && dec(p.credits).gt(0), 'plan credits must be positive with at most 2 decimals');
    this.k.store.insertPlanIfAbsent(p);
  }

  /** Adds a plan (e.g. the simulator's bulk plan). Idempotent by id. */
  createPlan(p: PlanConfig): void {
    this.k.tx(() => this.ensurePlan(p));
  }

  createAccount(opts: { plan_id?: string; start_ms?: number; kind?: 'user' | 'sim' } = {}): { account_id: string } {
    const k = this.k;
    return k.tx(() => {
      const plan = k.plan(opts.plan_id ?? k.config.default_plan.id);
      const now = k.now_ms();
      const account_id = k.store.insertAccount(opts.kind ?? 'user', plan.id, now);
      this.periods.openPeriod(account_id, plan, 0, opts.start_ms ?? now, plan.price_usd);
      return { account_id };
    });
  }

  createApiKey(account_id: string): { key_id: string; secret: string } {
    const k = this.k;
    return k.tx(() => {
      k.account(account_id);
      const key_id = `key_${randomBytes(12).toString('hex')}`;
      const secret = randomBytes(32).toString('hex');
      k.store.insertApiKey(key_id, account_id, this.secrets.seal(secret), k.now_ms());
      return { key_id, secret };
    });
  }

  /** The secret is returned only to the authenticator; it is never logged or served. */
  apiKey(key_id: string): { account_id: string; secret: string } | null {
    const hit = this.keys.get(key_id);
    if (hit) return hit;
    const stored = this.k.store.apiKey(key_id);
    if (!stored) return null;
    const row = { account_id: stored.account_id, secret: this.secrets.open(stored.secret) };
    // Keys are never revoked yet, so the cache cannot go stale; bounded all the same.
    if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
    this.keys.set(key_id, row);
    return row;
  }

  getAccount(account_id: string): Account {
    const a = this.k.account(account_id);
    return { account_id: a.id, created_at: isoFromMs(a.created_ms), plan: planView(this.k.plan(a.plan_id)), last_seq: this.k.seqOf(a.id) };
  }
}
