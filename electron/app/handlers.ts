// The wallet API's handlers: each one a short function over the app's services. They get
// requests already validated by the contract (dispatch.ts) and return contract shapes.
import { activityDetail } from './activity-detail.js';
import { ComputeError, type ComputeService } from '../services/compute/index.js';
import { isPlatformError } from '../services/platform-client/index.js';
import { describeSyncError } from './platform-connection.js';
import type { WalletHandlers } from '../api/dispatch.js';
import type { ActivityEntry, AppInfo, ConnectionStatus, Portfolio } from '../../shared/contract/wallet-api.js';
import type { Ledger } from '../services/ledger/index.js';
import type { MarketFeed } from '../services/market/index.js';
import type { TaxService } from './tax-service.js';
import type { StrandedWork } from './stranded.js';
import type { PreferencesStore } from './preferences.js';
import { OrderEntryError, type OrderService, type OrderView } from '../services/orders/index.js';
import type { PlaceOrderInput } from '../../shared/contract/orders.js';
import { WalletApiError } from '../../shared/contract/wallet-api.js';
import { upFrontHandlers, type UpFrontContext } from './handlers-up-front.js';

export interface HandlerContext {
  info: AppInfo;
  ledger: Ledger;
  market: MarketFeed;
  tax: TaxService;
  /** Null when no platform API key is configured. */
  orders: OrderService | null;
  /** Null when no platform API key is configured. */
  compute: ComputeService | null;
  stranded: StrandedWork;
  preferences: PreferencesStore;
  configure: { demo(): Promise<void>; platform(url: string, creds: { key_id: string; secret: string }): Promise<void> };
  status(): ConnectionStatus;
  /** Cuts the sync engine's backoff short when offline; false when it is not waiting. */
  retryConnection(): boolean;
  /** The period up front, instrument, notifications, reports (handlers-up-front.ts). */
  up_front: Omit<UpFrontContext, 'tax'>;
}

function ordersOf(ctx: HandlerContext): OrderService {
  if (!ctx.orders) throw new WalletApiError('not_connected', 'Trading needs a platform API key: run `npm run wallet -- connect` (see README).');
  return ctx.orders;
}

/** Order-entry refusals keep their specific code and message for the form. */
function entry<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof OrderEntryError) throw new WalletApiError(err.code, err.message);
    throw err;
  }
}

async function entryAsync<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof OrderEntryError) throw new WalletApiError(err.code, err.message);
    throw err;
  }
}

function computeOf(ctx: HandlerContext): ComputeService {
  if (!ctx.compute) throw new WalletApiError('not_connected', 'Subscription and redemptions need a platform API key: run `npm run wallet -- connect` (see README).');
  return ctx.compute;
}

/** Compute refusals keep their code; a platform failure says what happened in words. */
async function computeCall<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof ComputeError) throw new WalletApiError(err.code, err.message);
    if (isPlatformError(err)) throw new WalletApiError('platform_error', describeSyncError(`${err.code}: ${err.message}`) ?? err.message);
    throw err;
  }
}

/** Balances from the local ledger: available without the platform. */
export function portfolioFrom(ledger: Ledger, orders: OrderService | null): Portfolio {
  const b = ledger.walletBalances();
  const last = ledger.recentEntries(1)[0];
  const a = orders?.available();
  return {
    usd: a ? { total: a.usd.settled, available: a.usd.available, reserved: a.usd.reserved } : { total: b.usd, available: b.usd, reserved: '0' },
    token: a ? { total: a.token.settled, available: a.token.available, reserved: a.token.reserved } : { total: b.token, available: b.token, reserved: '0' },
    credits: { available: b.credits },
    as_of_seq: b.cursor_seq,
    as_of_time: last ? last.time : null,
  };
}

/** Journal entries as the Activity screen shows them, newest first. */
export function activityEntries(ledger: Ledger, limit: number, before_id?: number): ActivityEntry[] {
  return ledger.recentEntries(limit, before_id).map((e) => ({
    id: e.id,
    seq: e.seq,
    type: e.type,
    time: e.time,
    reverses: e.reverses,
    postings: e.postings.map((p) => ({ account: p.account, commodity: p.commodity, amount: p.amount })),
    detail: activityDetail(e.type, e.data),
  }));
}

/**
 * A sell that names its lots is checked against the lots held now (the tax engine's book), and the
 * choice goes to the tax engine before the order can fill. The platform never sees it.
 */
async function placeOrder(ctx: HandlerContext, req: PlaceOrderInput): Promise<OrderView> {
  const orders = ordersOf(ctx);
  if (req.lots) {
    try {
      await ctx.tax.checkLots(req.quantity, req.lots);
    } catch (err) {
      if (err instanceof WalletApiError && err.code === 'tax_input') throw new WalletApiError('invalid_input', `lots: ${err.message}`);
      throw err;
    }
  }
  const view = entry(() => orders.place(req));
  if (view.lots) ctx.tax.orderLotsChosen(view.client_order_id, view.lots);
  return view;
}

export function createHandlers(ctx: HandlerContext): WalletHandlers {
  return {
    getAppInfo: async () => ctx.info,
    getStatus: async () => ctx.status(),
    retryConnection: async () => ({ retrying: ctx.retryConnection() }),
    getMarket: async () => ({ ticker: ctx.market.latest() }),
    getCandles: async (req) => ctx.market.candles(req.interval, req.before, req.limit),
    getOrderBook: async (req) => ({ book: ctx.market.orderBook(req.depth) }),
    getRecentTrades: async () => ({ trades: ctx.market.recentTrades() }),
    getPortfolio: async () => portfolioFrom(ctx.ledger, ctx.orders),
    placeOrder: async (req) => placeOrder(ctx, req),
    cancelOrder: async (req) => entry(() => ordersOf(ctx).cancel(req)),
    listOrders: async (req) => ({ orders: ctx.orders ? entry(() => ordersOf(ctx).list(req)) : [] }),
    listExternalOrders: async () => ({ orders: ctx.orders ? ctx.orders.external() : [] }),
    cancelExternalOrder: async (req) => entry(() => ordersOf(ctx).cancelExternal(req)),
    getAvailable: async () => {
      if (ctx.orders) return ctx.orders.available();
      const p = portfolioFrom(ctx.ledger, null);
      return { usd: { settled: p.usd.total, reserved: '0', available: p.usd.total }, token: { settled: p.token.total, reserved: '0', available: p.token.total } };
    },
    getActivity: async (req) => ({ entries: activityEntries(ctx.ledger, req.limit, req.before_id) }),
    getMismatches: async () => ({ mismatches: ctx.ledger.mismatches(false).slice(0, 1000) }),
    verifyLedger: async () => {
      const r = ctx.ledger.verify();
      return {
        ok: r.ok,
        entries: r.entries,
        cursor_seq: r.cursor_seq,
        quarantined: r.quarantined,
        open_mismatches: r.open_mismatches,
        problems: r.problems.slice(0, 1000).map((p) => ({ code: p.check, message: p.message.slice(0, 2000) })),
      };
    },
    configurePlatform: async (req) => {
      if (req.use === 'demo') {
        await ctx.configure.demo();
        return { restart_required: true, platform: 'embedded demo platform' };
      }
      await ctx.configure.platform(req.platform_url, { key_id: req.key_id, secret: req.secret });
      return { restart_required: true, platform: new URL(req.platform_url).origin };
    },
    getTaxSettings: async () => ctx.tax.settings(),
    updateTaxSettings: async (req) => ctx.tax.update(req),
    getSubscription: async () => computeCall(() => computeOf(ctx).subscription()),
    setElection: async (req) => computeCall(() => computeOf(ctx).setElection(req)),
    redeemTokens: async (req) => computeCall(() => computeOf(ctx).redeem(req)),
    listRedemptions: async () => ({ redemptions: ctx.compute ? ctx.compute.list() : [] }),
    listStranded: async () => ctx.stranded.list(),
    resolveStranded: async (req) => computeCall(() => entryAsync(() => ctx.stranded.resolve(req))),
    getTaxSummary: async (req) => ctx.tax.summary(req.year),
    getTaxView: async () => ctx.tax.view(),
    getHoldings: async () => ctx.tax.holdings(),
    whatIfSale: async (req) => ctx.tax.whatIf(req.quantity, req.price_usd, req.lots, req.fee_usd),
    exportTaxReport: async (req) => ctx.tax.export(req.year),
    getPreferences: async () => ctx.preferences.get(),
    updatePreferences: async (req) => ctx.preferences.update(req),
    ...upFrontHandlers({ ...ctx.up_front, tax: ctx.tax }, computeCall),
  };
}
