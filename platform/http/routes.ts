// The route table: one entry per route with its schemas. The server dispatches from it
// and the OpenAPI document is generated from it, so documentation cannot drift.
import { z } from 'zod';
import {
  Account,
  ApiError,
  Balances,
  BookQuery,
  BookSnapshot,
  CandlesPage,
  CandlesQuery,
  CashRequest,
  CashResponse,
  ElectionRequest,
  EventsPage,
  EventsQuery,
  MarketInfo,
  Order,
  OrderList,
  OrderRequest,
  OrdersQuery,
  RedemptionRequest,
  RedemptionResponse,
  Subscription,
  Ticker,
  TradesPage,
  TradesQuery,
  UsageRequest,
  UsageResponse,
} from '../../shared/platform/api.js';
import { zId } from '../../shared/platform/events.js';
import type { PlatformCore } from '../core/core.js';

export const EmptyQuery = z.strictObject({});

export interface Ctx {
  core: PlatformCore;
  /** Set on private routes once the signature checked out. */
  account_id: string;
  params: Record<string, string>;
  query: unknown;
  body: unknown;
}

/** A handler returns a value (serialized as JSON) or pre-serialized JSON text. */
export type Reply = { status?: number; json?: unknown; raw?: string };

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  auth: boolean;
  summary: string;
  query: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** Success status (201 for creations). */
  status: number;
  handle(ctx: Ctx): Reply;
}

export const DEFAULT_CANDLES = 300;
export const DEFAULT_TRADES = 100;
const DEFAULT_BOOK_DEPTH = 50;
export const DEFAULT_EVENTS = 1000;
const DEFAULT_ORDERS = 100;

function route(r: Omit<Route, 'query' | 'status'> & { query?: z.ZodType; status?: number }): Route {
  return { query: EmptyQuery, status: 200, ...r };
}

export const ROUTES: Route[] = [
  // ---- public market data ----
  route({
    method: 'GET',
    path: '/v1/market',
    auth: false,
    summary: 'Market rules: tick size, lot size, fees, limits, face value',
    response: MarketInfo,
    handle: ({ core }) => ({ json: core.marketInfo() }),
  }),
  route({
    method: 'GET',
    path: '/v1/ticker',
    auth: false,
    summary: 'Last, bid, ask, 24h volume, face value and premium (last / face value − 1)',
    response: Ticker,
    handle: ({ core }) => ({ json: core.ticker() }),
  }),
  route({
    method: 'GET',
    path: '/v1/candles',
    auth: false,
    summary: 'OHLCV candles, oldest first; page backwards with before=<first candle time>',
    query: CandlesQuery,
    response: CandlesPage,
    handle: ({ core, query }) => {
      const q = query as z.infer<typeof CandlesQuery>;
      return { json: core.candles(q.interval, q.before, q.limit ?? DEFAULT_CANDLES) };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/trades',
    auth: false,
    summary: 'Recent public trades, newest first; page backwards with before=<trade num>',
    query: TradesQuery,
    response: TradesPage,
    handle: ({ core, query }) => {
      const q = query as z.infer<typeof TradesQuery>;
      return { json: { trades: core.trades(q.before, q.limit ?? DEFAULT_TRADES) } };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/book',
    auth: false,
    summary: 'Order book snapshot with its sequence number (WebSocket deltas continue from it)',
    query: BookQuery,
    response: BookSnapshot,
    handle: ({ core, query }) => ({ json: core.bookSnapshot((query as z.infer<typeof BookQuery>).depth ?? DEFAULT_BOOK_DEPTH) }),
  }),

  // ---- account and subscription ----
  route({
    method: 'GET',
    path: '/v1/account',
    auth: true,
    summary: 'The signed-in account and its plan',
    response: Account,
    handle: ({ core, account_id }) => ({ json: core.getAccount(account_id) }),
  }),
  route({
    method: 'GET',
    path: '/v1/subscription',
    auth: true,
    summary: 'Plan, current period (credits used, redeemed, available, election) and the estimated next price',
    response: Subscription,
    handle: ({ core, account_id }) => ({ json: core.getSubscription(account_id) }),
  }),
  route({
    method: 'PUT',
    path: '/v1/periods/current/election',
    auth: true,
    summary: 'Choose what happens to unused credits at period close: mint tokens or a renewal credit',
    body: ElectionRequest,
    response: Subscription,
    handle: ({ core, account_id, body }) => ({ json: core.setElection(account_id, (body as ElectionRequest).election) }),
  }),
  route({
    method: 'POST',
    path: '/v1/usage',
    auth: true,
    summary: "Record inference usage against the current period's credits",
    body: UsageRequest,
    response: UsageResponse,
    status: 201,
    handle: ({ core, account_id, body }) => ({ json: core.recordUsage(account_id, (body as UsageRequest).credits, (body as UsageRequest).request_id) }),
  }),
  route({
    method: 'POST',
    path: '/v1/redemptions',
    auth: true,
    summary: 'Burn N tokens for N credits in the current period',
    body: RedemptionRequest,
    response: RedemptionResponse,
    status: 201,
    handle: ({ core, account_id, body }) => ({ json: core.redeem(account_id, (body as RedemptionRequest).tokens, (body as RedemptionRequest).request_id) }),
  }),
  route({
    method: 'POST',
    path: '/v1/deposits',
    auth: true,
    summary: 'Deposit USD (demo rails)',
    body: CashRequest,
    response: CashResponse,
    status: 201,
    handle: ({ core, account_id, body }) => ({ json: core.deposit(account_id, (body as CashRequest).amount_usd, (body as CashRequest).request_id) }),
  }),
  route({
    method: 'POST',
    path: '/v1/withdrawals',
    auth: true,
    summary: 'Withdraw USD (demo rails; a flat withdrawal fee applies)',
    body: CashRequest,
    response: CashResponse,
    status: 201,
    handle: ({ core, account_id, body }) => ({ json: core.withdraw(account_id, (body as CashRequest).amount_usd, (body as CashRequest).request_id) }),
  }),
  route({
    method: 'GET',
    path: '/v1/balances',
    auth: true,
    summary: 'USD, token and credit balances with the event seq they include (as_of_seq)',
    response: Balances,
    handle: ({ core, account_id }) => ({ json: core.getBalances(account_id) }),
  }),
  route({
    method: 'GET',
    path: '/v1/events',
    auth: true,
    summary: 'Account events with seq > after, oldest first (catch-up)',
    query: EventsQuery,
    response: EventsPage,
    handle: ({ core, account_id, query }) => {
      const q = query as z.infer<typeof EventsQuery>;
      return { raw: core.eventsPageJson(account_id, q.after, q.limit ?? DEFAULT_EVENTS) };
    },
  }),

  // ---- orders ----
  route({
    method: 'POST',
    path: '/v1/orders',
    auth: true,
    summary: 'Place an order. Idempotent by client_order_id: 201 when created, 200 with the original order on a repeat',
    body: OrderRequest,
    response: Order,
    status: 201,
    handle: ({ core, account_id, body }) => {
      const r = core.placeOrder(account_id, body as OrderRequest);
      return { status: r.created ? 201 : 200, json: r.order };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/orders',
    auth: true,
    summary: 'Open (default) or all orders, newest first',
    query: OrdersQuery,
    response: OrderList,
    handle: ({ core, account_id, query }) => {
      const q = query as z.infer<typeof OrdersQuery>;
      return { json: { orders: core.listOrders(account_id, q.status, q.limit ?? DEFAULT_ORDERS) } };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/orders/by-client-id/:client_order_id',
    auth: true,
    summary: 'Look an order up by its client_order_id',
    response: Order,
    handle: ({ core, account_id, params }) => ({ json: core.getOrderByClientId(account_id, params.client_order_id!) }),
  }),
  route({
    method: 'GET',
    path: '/v1/orders/:id',
    auth: true,
    summary: 'One order by id',
    response: Order,
    handle: ({ core, account_id, params }) => ({ json: core.getOrder(account_id, params.id!) }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/orders/:id',
    auth: true,
    summary: 'Cancel an open order (409 order_not_open when it already ended)',
    response: Order,
    handle: ({ core, account_id, params }) => ({ json: core.cancelOrder(account_id, params.id!) }),
  }),
];

/** Path parameters are ids. */
export const zPathParam = zId;
export { ApiError };

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** Finds the route for a path; `methods` lists what the path allows when the method does not match. */
/** Each route's path split into segments, computed once per route. */
const ROUTE_SEGMENTS = new WeakMap<Route, string[]>();
function segmentsOf(r: Route): string[] {
  let s = ROUTE_SEGMENTS.get(r);
  if (!s) {
    s = r.path.split('/');
    ROUTE_SEGMENTS.set(r, s);
  }
  return s;
}

export function matchRoute(method: string, pathname: string): { match?: Match; methods: string[] } {
  const segs = pathname.split('/');
  const methods: string[] = [];
  for (const r of ROUTES) {
    const rs = segmentsOf(r);
    if (rs.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < rs.length && ok; i++) {
      const want = rs[i]!;
      const got = segs[i]!;
      if (want.startsWith(':')) {
        let value: string;
        try {
          value = decodeURIComponent(got);
        } catch {
          ok = false;
          break;
        }
        params[want.slice(1)] = value;
      } else if (want !== got) ok = false;
    }
    if (!ok) continue;
    // A literal segment beats a parameter (by-client-id vs :id): ROUTES lists literals first.
    if (r.method === method) return { match: { route: r, params }, methods };
    methods.push(r.method);
  }
  return { methods };
}
