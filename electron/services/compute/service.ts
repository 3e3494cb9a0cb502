// The subscription side of the wallet: this period's compute, the election for unused
// credits, and redeeming tokens for compute.
//
// Redemptions are exactly once: each gets a request_id (UUIDv7) written to the ledger's
// SQLite file (synchronous=FULL) before it is sent, and every retry after a lost answer
// sends the same id, which the platform answers with its first answer without redeeming
// again. A redemption is a sale at market value for tax, so it is sent now or not at all:
// while offline it is refused (not queued); only a lost answer is retried, in the background.
import { backoffMs, type BackoffPolicy } from '../../../shared/backoff.js';
import { assert } from '../../../shared/assert.js';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { dec, toCanonical, ZERO, type Dec } from '../../../shared/money.js';
import { RedeemInput, SetElectionInput, type RedemptionView, type SubscriptionView } from '../../../shared/contract/compute.js';
import { Subscription, type RedemptionRequest, type RedemptionResponse } from '../../../shared/platform/api.js';
import { toTransportError } from '../orders/transport.js';
import { assertCurrentSchema } from '../db/migrations.js';

/** Redemptions waiting for an answer at once. */
export const MAX_PENDING_REDEMPTIONS = 100;
/** Attempts within one redeem() call before the rest is left to the background retry. */
export const REDEEM_ATTEMPTS_INLINE = 3;
export const RETRY_BASE_MS = 500;
export const RETRY_MAX_MS = 60_000;
/** Rows returned by list(). */
export const REDEMPTIONS_LIST_MAX = 200;

export interface ComputeTransport {
  getSubscription(): Promise<Subscription>;
  setElection(election: 'mint' | 'renewal_credit'): Promise<Subscription>;
  redeem(body: RedemptionRequest): Promise<RedemptionResponse>;
}

export class ComputeError extends Error {
  override name = 'ComputeError';
  constructor(
    readonly code: 'invalid_input' | 'offline' | 'insufficient_tokens' | 'too_many_pending' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

interface Row {
  request_id: string;
  tokens: string;
  state: 'pending' | 'done' | 'refused';
  market_price_usd: string | null;
  seq: number | null;
  attempts: number;
  next_ms: number;
  last_error: string | null;
  created_ms: number;
  updated_ms: number;
}

export interface ComputeServiceOptions {
  db: Database.Database;
  transport: ComputeTransport;
  /** Tokens free to redeem now: settled − held by orders − held by pending redemptions (the app
   *  gives the order service this service's pendingTokens(), so its available() is exactly that). */
  availableTokens: () => string;
  now_ms?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** First retry delay after a lost answer (doubles per attempt, capped at RETRY_MAX_MS). Default RETRY_BASE_MS. */
  retry_base_ms?: number;
  logger?: Logger;
}


export class ComputeService {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retry_base_ms: number;
  private online = false;
  private retrying: Promise<number> | null = null;
  /** Wakes the retry of unanswered redemptions when their backoff ends (status events may not come). */
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Request ids being sent now: the inline attempts and the background retry never overlap on one. */
  private readonly inflight = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly st;

  constructor(private readonly opts: ComputeServiceOptions) {
    this.db = opts.db;
    this.now = opts.now_ms ?? (() => Date.now());
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.retry_base_ms = opts.retry_base_ms ?? RETRY_BASE_MS;
    assert(this.retry_base_ms > 0 && this.retry_base_ms <= RETRY_MAX_MS, `retry_base_ms out of range: ${this.retry_base_ms}`);
    // Its tables come with the one schema (electron/services/db/migrations.ts).
    assertCurrentSchema(this.db, 'compute service');
    const sync = this.db.pragma('synchronous', { simple: true }) as number;
    assert(sync >= 2, `redemptions need synchronous=FULL, the connection has ${sync}`);
    // A new process has nothing in flight: redemptions left pending (and their leases) are due now.
    this.db.prepare(`UPDATE redemptions SET next_ms = 0 WHERE state = 'pending'`).run();
    this.st = {
      insert: this.db.prepare(`INSERT INTO redemptions (request_id, tokens, state, created_ms, updated_ms) VALUES (?, ?, 'pending', ?, ?)`),
      byId: this.db.prepare(`SELECT * FROM redemptions WHERE request_id = ?`),
      list: this.db.prepare(`SELECT * FROM redemptions ORDER BY created_ms DESC, request_id DESC LIMIT ?`),
      pending: this.db.prepare(`SELECT tokens FROM redemptions WHERE state = 'pending'`).pluck(),
      due: this.db.prepare(`SELECT * FROM redemptions WHERE state = 'pending' AND next_ms <= ? ORDER BY created_ms LIMIT ?`),
      nextDue: this.db.prepare(`SELECT min(next_ms) FROM redemptions WHERE state = 'pending'`).pluck(),
      cacheGet: this.db.prepare(`SELECT json, fetched_ms FROM subscription_cache WHERE id = 1`),
      cachePut: this.db.prepare(`INSERT INTO subscription_cache (id, json, fetched_ms) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json, fetched_ms = excluded.fetched_ms`),
      done: this.db.prepare(`UPDATE redemptions SET state = 'done', market_price_usd = ?, seq = ?, attempts = ?, last_error = NULL, updated_ms = ? WHERE request_id = ?`),
      refused: this.db.prepare(`UPDATE redemptions SET state = 'refused', attempts = ?, last_error = ?, updated_ms = ? WHERE request_id = ?`),
      retry: this.db.prepare(`UPDATE redemptions SET attempts = ?, next_ms = ?, last_error = ?, updated_ms = ? WHERE request_id = ?`),
      lease: this.db.prepare(`UPDATE redemptions SET next_ms = ? WHERE request_id = ?`),
    };
  }

  /** Deterministic (no jitter): one wallet's redemptions, not a crowd of clients. */
  private retryPolicy(): BackoffPolicy {
    return { base_ms: this.retry_base_ms, max_ms: RETRY_MAX_MS, jitter: 0 };
  }

  setOnline(online: boolean): void {
    if (this.closed) return;
    this.online = online;
    if (online) this.retryInBackground();
  }

  private retryInBackground(): void {
    this.retryPending().catch((err: unknown) => this.opts.logger?.error({ err }, 'redemption retry failed'));
  }

  /** Stops the retry timer; what is pending stays in the file for the next start. */
  close(): void {
    this.closed = true;
    this.online = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Live when online; offline, the copy last fetched (or an offline error when there is none). */
  async subscription(): Promise<SubscriptionView> {
    if (!this.online) {
      const cached = this.cached();
      if (cached) return cached;
      this.requireOnline('Subscription details come from the platform and none were fetched yet');
    }
    return this.keep(await this.opts.transport.getSubscription());
  }

  /** What happens to this period's unused credits at close. Safe to repeat (the platform sets it). */
  async setElection(raw: unknown): Promise<SubscriptionView> {
    const input = SetElectionInput.safeParse(raw);
    if (!input.success) throw new ComputeError('invalid_input', input.error.issues[0]?.message ?? 'invalid input');
    this.requireOnline('Changing the election needs the platform');
    return this.keep(await this.opts.transport.setElection(input.data.election));
  }

  private keep(sub: Subscription): SubscriptionView {
    const t = this.now();
    this.st.cachePut.run(JSON.stringify(sub), t);
    return { subscription: sub, fetched_at: new Date(t).toISOString(), live: true };
  }

  /** The kept copy, validated like anything read from a file; an unreadable one counts as none. */
  private cached(): SubscriptionView | null {
    const row = this.st.cacheGet.get() as { json: string; fetched_ms: number } | undefined;
    if (!row) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.json);
    } catch {
      return null;
    }
    const sub = Subscription.safeParse(parsed);
    if (!sub.success) {
      this.opts.logger?.warn({ issue: sub.error.issues[0]?.message }, 'compute: the kept subscription copy does not validate; ignored');
      return null;
    }
    return { subscription: sub.data, fetched_at: new Date(row.fetched_ms).toISOString(), live: false };
  }

  /** Tokens held by redemptions still waiting for an answer. */
  pendingTokens(): Dec {
    return (this.st.pending.all() as string[]).reduce((acc, t) => acc.plus(dec(t)), ZERO);
  }

  /** Burns tokens for the same number of credits this period. Recorded before it is sent. */
  async redeem(raw: unknown): Promise<RedemptionView> {
    const input = RedeemInput.safeParse(raw);
    if (!input.success) throw new ComputeError('invalid_input', input.error.issues[0]?.message ?? 'invalid input');
    this.requireOnline('Redeeming needs the platform (a redemption is priced when it happens, so it is not queued)');
    const tokens = toCanonical(dec(input.data.tokens));
    const pending = this.st.pending.all() as string[];
    if (pending.length >= MAX_PENDING_REDEMPTIONS) throw new ComputeError('too_many_pending', `${MAX_PENDING_REDEMPTIONS} redemptions are still waiting for an answer`);
    const free = dec(this.opts.availableTokens());
    if (dec(tokens).gt(free)) throw new ComputeError('insufficient_tokens', `redeeming ${tokens} tokens exceeds the ${toCanonical(free.isNegative() ? ZERO : free)} available (tokens held by open orders and pending redemptions are not)`);
    const request_id = uuidv7();
    const t = this.now();
    this.st.insert.run(request_id, tokens, t, t);
    return this.settle(request_id);
  }

  /**
   * Sends again a redemption asked for elsewhere (a ledger archived after a key change,
   * issue 13) with its own request_id, so the platform applies it at most once.
   */
  async resume(request_id: string, raw_tokens: string): Promise<RedemptionView> {
    const input = RedeemInput.safeParse({ tokens: raw_tokens });
    if (!input.success || request_id.length === 0 || request_id.length > 64) throw new ComputeError('invalid_input', 'not a redemption');
    this.requireOnline('Sending a redemption needs the platform');
    if (this.st.byId.get(request_id) !== undefined) throw new ComputeError('invalid_input', `redemption ${request_id} is already known here`);
    const t = this.now();
    this.st.insert.run(request_id, toCanonical(dec(input.data.tokens)), t, t);
    return this.settle(request_id);
  }

  private async settle(request_id: string): Promise<RedemptionView> {
    this.emit();
    for (let i = 0; i < REDEEM_ATTEMPTS_INLINE; i++) {
      const row = await this.attempt(request_id);
      if (row.state !== 'pending' || !this.online) break;
      await this.sleep(backoffMs(this.retryPolicy(), i));
    }
    const row = this.row(request_id);
    if (row.state === 'pending') this.schedule(); // the rest is left to the background retry
    if (row.state === 'refused') throw new ComputeError('refused', row.last_error ?? 'the platform refused the redemption');
    return view(row);
  }

  list(limit = REDEMPTIONS_LIST_MAX): RedemptionView[] {
    assert(Number.isSafeInteger(limit) && limit > 0 && limit <= REDEMPTIONS_LIST_MAX, `bad limit ${limit}`);
    return (this.st.list.all(limit) as Row[]).map(view);
  }

  /** Sends again (same request_id) the redemptions whose answer was lost. Concurrent calls share one run. */
  retryPending(): Promise<number> {
    this.retrying ??= this.retryDue().finally(() => {
      this.retrying = null;
      this.schedule();
    });
    return this.retrying;
  }

  /** One timer for the earliest pending redemption's next attempt (bounded by RETRY_MAX_MS). */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed || !this.online) return;
    const next = this.st.nextDue.get() as number | null;
    if (next === null) return;
    const wait_ms = Math.min(RETRY_MAX_MS, Math.max(0, next - this.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.retryInBackground();
    }, wait_ms);
    this.timer.unref?.();
  }

  private async retryDue(): Promise<number> {
    let n = 0;
    for (const r of this.st.due.all(this.now(), MAX_PENDING_REDEMPTIONS) as Row[]) {
      if (!this.online || this.closed) break;
      const after = await this.attempt(r.request_id);
      n++;
      if (after.state === 'pending') break; // still failing: wait for its backoff
    }
    return n;
  }

  private async attempt(request_id: string): Promise<Row> {
    const row = this.row(request_id);
    if (row.state !== 'pending' || this.inflight.has(request_id)) return row;
    this.inflight.add(request_id);
    // Leased while in flight, so the retry timer does not see it as due and spin on it.
    this.st.lease.run(this.now() + RETRY_MAX_MS, request_id);
    try {
      await this.send(row);
    } finally {
      this.inflight.delete(request_id);
    }
    this.emit();
    return this.row(request_id);
  }

  private async send(row: Row): Promise<void> {
    const request_id = row.request_id;
    const attempts = row.attempts + 1;
    try {
      const r = await this.opts.transport.redeem({ tokens: row.tokens, request_id });
      assert(dec(r.tokens).eq(dec(row.tokens)), `the platform redeemed ${r.tokens}, asked ${row.tokens}`);
      this.st.done.run(r.market_price_usd, r.seq, attempts, this.now(), request_id);
    } catch (e) {
      const err = toTransportError(e);
      const text = `${err.code}: ${err.message}`.slice(0, 500);
      if (err.outcome === 'final' || err.outcome === 'not_found') {
        this.st.refused.run(attempts, text, this.now(), request_id);
      } else {
        // Lost or refused for now: the same request_id goes again later (never redeemed twice).
        const wait = err.retry_after_ms ?? backoffMs(this.retryPolicy(), attempts);
        this.st.retry.run(attempts, this.now() + wait, text, this.now(), request_id);
        this.opts.logger?.warn({ request_id, err: text }, 'redemption: no answer, will retry with the same request_id');
      }
    }
  }

  private row(request_id: string): Row {
    const r = this.st.byId.get(request_id) as Row | undefined;
    assert(r !== undefined, `no redemption ${request_id}`);
    return r;
  }

  private requireOnline(what: string): void {
    if (!this.online) throw new ComputeError('offline', `${what}: the wallet is offline. Try again when the status bar says Online.`);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

function view(r: Row): RedemptionView {
  return {
    request_id: r.request_id,
    tokens: r.tokens,
    state: r.state,
    market_price_usd: r.market_price_usd,
    seq: r.seq,
    attempts: r.attempts,
    last_error: r.last_error,
    created_at: new Date(r.created_ms).toISOString(),
    updated_at: new Date(r.updated_ms).toISOString(),
  };
}
