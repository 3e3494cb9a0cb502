// PlatformClient: one method per platform route; see index.ts for the contract.
import { FastEventsPage } from '../../../shared/platform/event-check.js';
import type { z } from 'zod';
import {
  Account,
  ApiError,
  Balances,
  BookSnapshot,
  CandlesPage,
  CashResponse,
  EventsPage,
  MarketInfo,
  Order,
  OrderList,
  RedemptionResponse,
  Subscription,
  Ticker,
  TradesPage,
  UsageResponse,
  type CashRequest,
  type RedemptionRequest,
  type UsageRequest,
  type OrderRequest,
} from '../../../shared/platform/api.js';
import type { CandleInterval } from '../../../shared/platform/events.js';
import { signRequest } from './signing.js';
import { platformUrlProblem } from '../../../shared/platform/url.js';
import { PlatformError } from './errors.js';

export interface PlatformCredentials {
  key_id: string;
  secret: string;
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; redirect: 'manual' }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface PlatformClientOptions {
  base_url: string;
  credentials?: PlatformCredentials;
  /** Per request, including reading the body. */
  timeout_ms: number;
  fetch?: FetchLike;
  /** Clock for X-Timestamp (tests). */
  now_ms?: () => number;
}

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  auth: boolean;
  schema: z.ZodType<T>;
}

function redirectRefused(status: number, location: string | null, from: string): PlatformError {
  let to = '(no Location)';
  if (location !== null) {
    try {
      const u = new URL(location, from);
      to = `${u.origin}${u.pathname}`; // no query: it could carry anything
    } catch {
      to = '(an unparseable Location)';
    }
  }
  return new PlatformError({
    status,
    code: 'redirect_refused',
    message: `the platform answered HTTP ${status} redirecting to ${to}; signed requests are never sent on to another address: set the platform URL to the final address`,
  });
}

/** Upper bound on a response body the client accepts (an events page at the maximum is ~2 MB). */
const MAX_RESPONSE_CHARS = 16 * 1024 * 1024;

export class PlatformClient {
  private readonly base: string;
  private readonly fetchImpl: FetchLike;
  private readonly now: () => number;
  private last_ts = 0;

  constructor(private readonly opts: PlatformClientOptions) {
    const problem = platformUrlProblem(opts.base_url);
    if (problem) throw new TypeError(problem);
    if (!(opts.timeout_ms > 0 && opts.timeout_ms <= 300_000)) throw new RangeError('timeout_ms must be in (0, 300000]');
    this.base = opts.base_url.replace(/\/+$/, '');
    this.fetchImpl = opts.fetch ?? (globalThis.fetch as unknown as FetchLike);
    this.now = opts.now_ms ?? (() => Date.now());
  }

  get base_url(): string {
    return this.base;
  }

  // ---- public market data ----
  getMarket(): Promise<MarketInfo> {
    return this.request({ method: 'GET', path: '/v1/market', auth: false, schema: MarketInfo });
  }
  getTicker(): Promise<Ticker> {
    return this.request({ method: 'GET', path: '/v1/ticker', auth: false, schema: Ticker });
  }
  /** Oldest first; page backwards with `before: page.candles[0].time`. */
  getCandles(q: { interval?: CandleInterval; before?: number; limit?: number } = {}): Promise<CandlesPage> {
    return this.request({ method: 'GET', path: '/v1/candles', query: q, auth: false, schema: CandlesPage });
  }
  /** Newest first; page backwards with `before: last trade's num`. */
  getTrades(q: { before?: number; limit?: number } = {}): Promise<TradesPage> {
    return this.request({ method: 'GET', path: '/v1/trades', query: q, auth: false, schema: TradesPage });
  }
  getBook(q: { depth?: number } = {}): Promise<BookSnapshot> {
    return this.request({ method: 'GET', path: '/v1/book', query: q, auth: false, schema: BookSnapshot });
  }

  // ---- account ----
  getAccount(): Promise<Account> {
    return this.request({ method: 'GET', path: '/v1/account', auth: true, schema: Account });
  }
  getSubscription(): Promise<Subscription> {
    return this.request({ method: 'GET', path: '/v1/subscription', auth: true, schema: Subscription });
  }
  setElection(election: 'mint' | 'renewal_credit'): Promise<Subscription> {
    return this.request({ method: 'PUT', path: '/v1/periods/current/election', body: { election }, auth: true, schema: Subscription });
  }
  recordUsage(body: UsageRequest): Promise<UsageResponse> {
    return this.request({ method: 'POST', path: '/v1/usage', body, auth: true, schema: UsageResponse });
  }
  redeem(body: RedemptionRequest): Promise<RedemptionResponse> {
    return this.request({ method: 'POST', path: '/v1/redemptions', body, auth: true, schema: RedemptionResponse });
  }
  deposit(body: CashRequest): Promise<CashResponse> {
    return this.request({ method: 'POST', path: '/v1/deposits', body, auth: true, schema: CashResponse });
  }
  withdraw(body: CashRequest): Promise<CashResponse> {
    return this.request({ method: 'POST', path: '/v1/withdrawals', body, auth: true, schema: CashResponse });
  }
  getBalances(): Promise<Balances> {
    return this.request({ method: 'GET', path: '/v1/balances', auth: true, schema: Balances });
  }
  /** Events with seq > after, oldest first; `last_seq` says how far the account is. */
  getEvents(q: { after: number; limit?: number }): Promise<EventsPage> {
    // The fast check accepts exactly what EventsPage accepts (test/ledger/amounts.test.ts).
    return this.request({ method: 'GET', path: '/v1/events', query: q, auth: true, schema: FastEventsPage });
  }

  // ---- orders ----
  /** Idempotent by client_order_id: `created` is false when the platform already had this order. */
  async placeOrder(req: OrderRequest): Promise<{ order: Order; created: boolean }> {
    const { value, status } = await this.requestWithStatus({ method: 'POST', path: '/v1/orders', body: req, auth: true, schema: Order });
    return { order: value, created: status === 201 };
  }
  listOrders(q: { status?: 'open' | 'all'; limit?: number } = {}): Promise<OrderList> {
    return this.request({ method: 'GET', path: '/v1/orders', query: q, auth: true, schema: OrderList });
  }
  getOrder(order_id: string): Promise<Order> {
    return this.request({ method: 'GET', path: `/v1/orders/${encodeURIComponent(order_id)}`, auth: true, schema: Order });
  }
  getOrderByClientId(client_order_id: string): Promise<Order> {
    return this.request({ method: 'GET', path: `/v1/orders/by-client-id/${encodeURIComponent(client_order_id)}`, auth: true, schema: Order });
  }
  cancelOrder(order_id: string): Promise<Order> {
    return this.request({ method: 'DELETE', path: `/v1/orders/${encodeURIComponent(order_id)}`, auth: true, schema: Order });
  }

  // ---- plumbing ----
  private async request<T>(spec: RequestSpec<T>): Promise<T> {
    return (await this.requestWithStatus(spec)).value;
  }

  private async requestWithStatus<T>(spec: RequestSpec<T>): Promise<{ value: T; status: number }> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const path = qs.size > 0 ? `${spec.path}?${qs.toString()}` : spec.path;
    const body = spec.body === undefined ? '' : JSON.stringify(spec.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body) headers['content-type'] = 'application/json';
    if (spec.auth) {
      const cred = this.opts.credentials;
      if (!cred) throw new PlatformError({ status: 0, code: 'no_credentials', message: 'this route needs API credentials' });
      // Signed at send time, so a queued request is never stale. Strictly increasing per
      // client, so two identical writes sent in the same millisecond differ (the platform
      // refuses a repeated signature on writes as a replay).
      const ts = Math.max(this.now(), this.last_ts + 1);
      this.last_ts = ts;
      headers['x-api-key'] = cred.key_id;
      headers['x-timestamp'] = String(ts);
      headers['x-signature'] = signRequest(cred.secret, ts, spec.method, path, body);
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.opts.timeout_ms);
    let status: number;
    let text: string;
    let retry_after: string | null;
    try {
      // Never follow a redirect: it would resend the signed headers and the body to wherever
      // the answer points (another origin, plain http).
      const res = await this.fetchImpl(this.base + path, { method: spec.method, headers, ...(body ? { body } : {}), signal: ctl.signal, redirect: 'manual' });
      status = res.status;
      retry_after = res.headers.get('retry-after');
      if (status >= 300 && status < 400) throw redirectRefused(status, res.headers.get('location'), this.base + path);
      text = await res.text();
    } catch (e) {
      if (e instanceof PlatformError) throw e;
      const timedOut = ctl.signal.aborted;
      throw new PlatformError({
        status: 0,
        code: timedOut ? 'timeout' : 'network_error',
        message: timedOut ? `no answer within ${this.opts.timeout_ms} ms` : `network error: ${(e as Error).message}`,
        cause: e,
      });
    } finally {
      clearTimeout(timer);
    }
    if (text.length > MAX_RESPONSE_CHARS) throw new PlatformError({ status, code: 'invalid_response', message: 'response body too large' });
    let json: unknown;
    try {
      json = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      throw new PlatformError({ status, code: status >= 500 ? 'server_error' : 'invalid_response', message: `non-JSON response (HTTP ${status})` });
    }
    if (status < 200 || status >= 300) throw this.toError(status, json, retry_after);
    let parsed: ReturnType<typeof spec.schema.safeParse>;
    try {
      parsed = spec.schema.safeParse(json);
    } catch (e) {
      throw new PlatformError({ status, code: 'invalid_response', message: `response does not match the schema: ${(e as Error).message.slice(0, 200)}` });
    }
    if (!parsed.success) {
      throw new PlatformError({ status, code: 'invalid_response', message: `response does not match the schema: ${parsed.error.issues[0]?.message ?? ''}`, details: parsed.error.issues.slice(0, 5) });
    }
    return { value: parsed.data, status };
  }

  private toError(status: number, json: unknown, retry_after: string | null): PlatformError {
    const e = ApiError.safeParse(json);
    let retry_after_ms: number | undefined;
    if (retry_after !== null && /^\d{1,6}$/.test(retry_after)) retry_after_ms = Number(retry_after) * 1000;
    if (!e.success) return new PlatformError({ status, code: status >= 500 ? 'server_error' : 'http_error', message: `HTTP ${status}`, retry_after_ms });
    return new PlatformError({ status, code: e.data.error.code, message: e.data.error.message, details: e.data.error.details, retry_after_ms });
  }
}
