// THE WALLET API CONTRACT: every operation the renderer can ask of the main process,
// and every event the main process pushes to it. One named method per operation; no
// generic passthrough. Both hosts (Electron IPC and the loopback browser-mode server)
// serve exactly these methods, validating every request and response with these schemas,
// and the renderer only ever talks to the `WalletApi` interface below (`window.wallet`).
//
// Threat model: the renderer is treated as potentially compromised (XSS, a malicious
// dependency). It can only call the methods listed here, with payloads that pass the
// strict schemas (unknown fields refused, sizes bounded); it can never name a channel,
// a file path or a SQL statement.
import { z } from 'zod';
import { zPlatformUrl } from '../platform/url.js';
import { Candle, Ticker, zCandleInterval, zIsoTime, zOrderStatus, zOrderType, zSide } from '../platform/events.js';
import { zDecimal, zNonNegativeDecimal, zPositiveDecimal } from '../money.js';
import { AvailableViewSchema, CancelExternalOrderInput, CancelOrderInput, ExternalOrderSchema, LIST_LIMIT_MAX, ListOrdersInput, OrderViewSchema, PlaceOrderInput } from './orders.js';
import { BookDelta, BookSnapshot, PublicTrade } from '../platform/api.js';
import { ResolveStrandedInput, StrandedItem, StrandedList } from './stranded.js';
import { InstrumentView, PeriodDecisionRequest, PeriodDecisionView, RedeemInput, RedemptionViewSchema, SetElectionInput, SubscriptionView } from './compute.js';
import { ListNotificationsRequest, MarkReadRequest, NotificationList, NotificationPushed, NotificationSettings, UpdateNotificationSettings } from './notifications.js';
import { Preferences, PreferencesUpdate } from './preferences.js';
import { ExportReportRequest, ExportReportResponse, HoldingsBySource, ReportFileRequest, SaveReportResponse, TaxExportsList, TaxSettingsUpdate, TaxSettingsView, TaxSummary, TaxSummaryRequest, TaxView, WhatIfRequest, WhatIfResponse } from './tax.js';

const Empty = z.strictObject({});

export const ConnectionState = z.enum(['online', 'offline', 'syncing']);
export const ConnectionStatus = z.strictObject({
  state: ConnectionState,
  platform_url: z.string().max(2048),
  /** Embedded demo platform (no platform configured). */
  demo: z.boolean(),
  last_synced_at: zIsoTime.nullable(),
  events_behind: z.number().int().nonnegative(),
  last_error: z.string().max(1000).nullable(),
  /** Reconciliation mismatches between the local ledger and the platform, kept until resolved. */
  open_mismatches: z.number().int().nonnegative(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const AppInfo = z.strictObject({
  app_version: z.string().max(64),
  host: z.enum(['desktop', 'browser']),
  data_dir: z.string().max(4096),
  /** Where secrets are kept, and the warning to show when it is not the OS keychain. */
  secret_store: z.strictObject({ kind: z.enum(['os-keychain', 'file']), warning: z.string().max(500).nullable() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const MarketSnapshot = z.strictObject({
  ticker: Ticker.nullable(),
});

/** The order book as the wallet last applied it (null until the first snapshot arrived). */
export const OrderBookRequest = z.strictObject({ depth: z.number().int().min(1).max(500).default(50) });
export const OrderBookResponse = z.strictObject({ book: BookSnapshot.nullable() });
export const RECENT_TRADES_MAX = 100;
export const RecentTradesResponse = z.strictObject({ trades: z.array(PublicTrade).max(RECENT_TRADES_MAX) });
/** Deltas of one book seq; the renderer applies them only right after seq − 1, else asks for a snapshot. */
export const BOOK_DELTA_CHANGES_MAX = 1000;
export const BookUpdate = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('snapshot'), book: BookSnapshot }),
  z.strictObject({ kind: z.literal('delta'), seq: z.number().int().positive(), changes: z.array(BookDelta).max(BOOK_DELTA_CHANGES_MAX) }),
]);
export type BookUpdate = z.infer<typeof BookUpdate>;

export const CandlesRequest = z.strictObject({
  interval: zCandleInterval,
  /** Page backwards: only candles strictly before this Unix second. */
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(1000).default(300),
});
export const CandlesResponse = z.strictObject({
  candles: z.array(Candle).max(1000),
  /** Served from the local cache because the platform could not be reached. */
  from_cache: z.boolean(),
});

export const BalanceLine = z.strictObject({ total: zDecimal, available: zDecimal, reserved: zDecimal });
export const Portfolio = z.strictObject({
  usd: BalanceLine,
  token: BalanceLine,
  credits: z.strictObject({ available: zDecimal }),
  /** Seq of the last platform event in the local ledger. */
  as_of_seq: z.number().int().nonnegative(),
  as_of_time: zIsoTime.nullable(),
});
export type Portfolio = z.infer<typeof Portfolio>;

const Posting = z.strictObject({ account: z.string().max(100), commodity: z.enum(['USD', 'TOKEN', 'CREDIT']), amount: zDecimal });
/** What a trade or an order update was, for the journal's "What" column (its postings say only the money). */
export const ActivityDetail = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fill'), side: zSide, price_usd: zPositiveDecimal, quantity: zPositiveDecimal, fee_usd: zNonNegativeDecimal, liquidity: z.enum(['maker', 'taker']) }),
  z.strictObject({
    kind: z.literal('order'),
    side: zSide,
    order_type: zOrderType,
    price_usd: zPositiveDecimal.nullable(),
    quantity: zPositiveDecimal,
    filled_quantity: zNonNegativeDecimal,
    status: zOrderStatus,
    reason: z.string().max(200).nullable(),
  }),
]);
export type ActivityDetail = z.infer<typeof ActivityDetail>;
export const ActivityEntry = z.strictObject({
  id: z.number().int().positive(),
  seq: z.number().int().positive().nullable(),
  type: z.string().max(40),
  time: zIsoTime,
  /** The entry this one reverses (corrections are reversing entries, never edits). */
  reverses: z.number().int().positive().nullable(),
  postings: z.array(Posting).max(20),
  /** Trades and order updates: what happened (side, price, quantity, status); null for the rest. */
  detail: ActivityDetail.nullable(),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;
export const ActivityRequest = z.strictObject({
  limit: z.number().int().min(1).max(500).default(100),
  /** Page back: entries older than this entry id (the last id of the previous page). */
  before_id: z.number().int().positive().optional(),
});
export const ActivityResponse = z.strictObject({ entries: z.array(ActivityEntry).max(500) });

export const ReconciliationMismatch = z.strictObject({
  id: z.number().int().positive(),
  detected_at: zIsoTime,
  as_of_seq: z.number().int().nonnegative(),
  account: z.string().max(100),
  commodity: z.enum(['USD', 'TOKEN', 'CREDIT']),
  local_amount: zDecimal,
  platform_amount: zDecimal,
  detail: z.string().max(1000),
  resolved_at: zIsoTime.nullable(),
});
export const MismatchesResponse = z.strictObject({ mismatches: z.array(ReconciliationMismatch).max(1000) });

export const VerifyResponse = z.strictObject({
  ok: z.boolean(),
  entries: z.number().int().nonnegative(),
  cursor_seq: z.number().int().nonnegative(),
  quarantined: z.number().int().nonnegative(),
  open_mismatches: z.number().int().nonnegative(),
  problems: z.array(z.strictObject({ code: z.string().max(64), message: z.string().max(2000) })).max(1000),
});

export const ConfigurePlatformRequest = z.union([
  z.strictObject({ use: z.literal('demo') }),
  z.strictObject({
    use: z.literal('platform'),
    platform_url: zPlatformUrl,
    key_id: z.string().min(1).max(128),
    secret: z.string().min(1).max(512),
  }),
]);

/** Request/response schema pairs, by method name. */
export const walletMethods = {
  /** Version, host kind, data folder and where secrets live. */
  getAppInfo: { request: Empty, response: AppInfo },
  /** Connection to the platform: online / offline / syncing, last sync, events behind. */
  getStatus: { request: Empty, response: ConnectionStatus },
  /** Offline: try the platform now instead of at the end of the backoff (`retrying`: false when not offline). */
  retryConnection: { request: Empty, response: z.strictObject({ retrying: z.boolean() }) },
  /** Last price, bid/ask, face value and premium. */
  getMarket: { request: Empty, response: MarketSnapshot },
  /** OHLCV candles for the price chart, newest page first when `before` is absent. */
  getCandles: { request: CandlesRequest, response: CandlesResponse },
  /** Balances from the local ledger (works offline). */
  getPortfolio: { request: Empty, response: Portfolio },
  /** The order book as last pushed (then kept current by `book` events). */
  getOrderBook: { request: OrderBookRequest, response: OrderBookResponse },
  /** Recent public trades, newest first (then kept current by `trades` events). */
  getRecentTrades: { request: Empty, response: RecentTradesResponse },
  /** Newest journal entries of the local ledger, with their postings. */
  getActivity: { request: ActivityRequest, response: ActivityResponse },
  /** Reconciliation mismatches (local vs platform balances), newest first. */
  getMismatches: { request: Empty, response: MismatchesResponse },
  /** Checks every ledger invariant (balanced entries, sequence continuity, cached balances = replay). */
  verifyLedger: { request: Empty, response: VerifyResponse },
  /** Places an order: written to the local outbox first, sent at once when online, queued
   *  while offline, sent exactly once when the connection returns (or never, once stale). */
  placeOrder: { request: PlaceOrderInput, response: OrderViewSchema },
  /** A queued order is canceled locally (never sent); an open one gets a cancel request. */
  cancelOrder: { request: CancelOrderInput, response: OrderViewSchema },
  /** Orders, newest first, including the offline queue and final ones with their reasons. */
  listOrders: { request: ListOrdersInput, response: z.strictObject({ orders: z.array(OrderViewSchema).max(1000) }) },
  /** Live orders placed elsewhere (known from the feed); they hold funds too. */
  listExternalOrders: { request: Empty, response: z.strictObject({ orders: z.array(ExternalOrderSchema).max(1000) }) },
  /** Asks the platform to cancel a live order placed elsewhere; queued while offline,
   *  retried until the platform answers or the feed shows the order ended. */
  cancelExternalOrder: { request: CancelExternalOrderInput, response: ExternalOrderSchema },
  /** Settled, reserved (open and queued orders) and available balances. */
  getAvailable: { request: Empty, response: AvailableViewSchema },
  /** Points the wallet at a platform (its API key goes to the secret store) or back to the
   *  embedded demo; applies at the next start. */
  configurePlatform: { request: ConfigurePlatformRequest, response: z.strictObject({ restart_required: z.literal(true), platform: z.string().max(2048) }) },
  /** The plan, this period's compute (credits, used, redeemed, available) and the election:
   *  live when online, else the copy last fetched (marked as such). */
  getSubscription: { request: Empty, response: SubscriptionView },
  /** What happens to this period's unused credits at close: mint tokens, or a renewal credit (online only). */
  setElection: { request: SetElectionInput, response: SubscriptionView },
  /** Burns tokens for the same number of credits this period, exactly once (online only). */
  redeemTokens: { request: RedeemInput, response: RedemptionViewSchema },
  /** Redemptions asked for from this wallet, newest first. */
  listRedemptions: { request: Empty, response: z.strictObject({ redemptions: z.array(RedemptionViewSchema).max(200) }) },
  /** Orders and redemptions left waiting in an archived ledger (another account or API key): never dropped silently. */
  listStranded: { request: Empty, response: StrandedList },
  /** Sends one with the new key (same platform account only; same id, so never applied twice) or cancels it. */
  resolveStranded: { request: ResolveStrandedInput, response: StrandedItem },
  /** Lot method standing orders and report policies. */
  getTaxSettings: { request: Empty, response: TaxSettingsView },
  /** A method change becomes a standing order effective now (never retroactive). */
  updateTaxSettings: { request: TaxSettingsUpdate, response: TaxSettingsView },
  /** The year's realized gains, Schedule D figures, carryovers, and the lots held now. */
  getTaxSummary: { request: TaxSummaryRequest, response: TaxSummary },
  /** This year's figures and the holdings by origin as the live tax state holds them now (then pushed as `tax`). */
  getTaxView: { request: Empty, response: TaxView },
  /** Tokens held now split by how they were acquired (minted from compute already paid for,
   *  bought with money at risk, other income), with cost and market value. */
  getHoldings: { request: Empty, response: HoldingsBySource },
  /** The lots, proceeds and short/long gain a sale now would realize under the method in force. */
  whatIfSale: { request: WhatIfRequest, response: WhatIfResponse },
  /** Writes the six report files into their own folder, reports/YEAR/EXPORT_ID/ (never over an earlier export). */
  exportTaxReport: { request: ExportReportRequest, response: ExportReportResponse },
  /** Past exports, newest first, each with its files and "data as of". */
  listTaxExports: { request: Empty, response: TaxExportsList },
  /** Desktop: asks where to save a report file (the shell's dialog) and copies it there. Browser mode downloads instead. */
  saveReportAs: { request: ReportFileRequest, response: SaveReportResponse },
  /** Desktop: shows a report file in the system's file manager. */
  showReportInFolder: { request: ReportFileRequest, response: Empty },
  /** This period up front: allowance, used, redeemed, left, pace and projection, and the
   *  mint-or-renewal-credit decision for the projected unused credits (or a typed amount). */
  getPeriodDecision: { request: PeriodDecisionRequest, response: PeriodDecisionView },
  /** The token's symbol and display name (the one name every screen uses) and the trading
   *  fees, as the platform's instrument gives them; the kept copy offline, null if never fetched. */
  getInstrument: { request: Empty, response: z.strictObject({ instrument: InstrumentView.nullable() }) },
  /** Notifications, newest first, with the unread count. */
  listNotifications: { request: ListNotificationsRequest, response: NotificationList },
  markNotificationsRead: { request: MarkReadRequest, response: z.strictObject({ unread: z.number().int().nonnegative() }) },
  /** Per kind: shown (list and toast) and as a system notification. */
  getNotificationSettings: { request: Empty, response: NotificationSettings },
  updateNotificationSettings: { request: UpdateNotificationSettings, response: NotificationSettings },
  /** Display preferences: theme, locale, time zone, order confirmation, panel layouts (shared/contract/preferences.ts). */
  getPreferences: { request: Empty, response: Preferences },
  /** Changes only the fields given (layouts merge by key, null removes one); pushed as `preferences`. */
  updatePreferences: { request: PreferencesUpdate, response: Preferences },
} as const;

/** Events the main process pushes; the renderer subscribes with `wallet.on(name, cb)`. */
export const walletEvents = {
  status: ConnectionStatus,
  market: MarketSnapshot,
  portfolio: Portfolio,
  /** Orders that changed (placed, sent, filled, canceled...), as they are now: the renderer
   *  merges them by id, never refetches. */
  orders: z.strictObject({
    orders: z.array(OrderViewSchema).max(LIST_LIMIT_MAX),
    /** Live orders placed elsewhere that changed. */
    external: z.array(ExternalOrderSchema).max(LIST_LIMIT_MAX),
    /** Orders placed elsewhere that ended (the view drops them), by platform order_id. */
    external_ended: z.array(z.string().max(64)).max(LIST_LIMIT_MAX),
    sending_paused_until: zIsoTime.nullable(),
  }),
  /** Order book: a snapshot, or the deltas of the next book seq. */
  book: BookUpdate,
  /** New public trades, newest first; `reset` replaces the list (after a reconnect). */
  trades: z.strictObject({ trades: z.array(PublicTrade).max(RECENT_TRADES_MAX), reset: z.boolean() }),
  /** Journal entries the ledger just committed, newest first. */
  activity: z.strictObject({ entries: z.array(ActivityEntry).max(500) }),
  /** The subscription view after a compute event (usage, period close, mint, redemption, election). */
  compute: SubscriptionView,
  /** The tax figures changed: this year's summary and the holdings by origin (shared/contract/tax.ts). */
  tax: TaxView,
  /** A new notification (each account event notifies once); replayed snapshots repeat the last one, so listeners dedupe by id. */
  notification: NotificationPushed,
  /** The display preferences after a change (a state event: replayed to a late host). */
  preferences: Preferences,
} as const;

export type WalletMethodName = keyof typeof walletMethods;
export type WalletEventName = keyof typeof walletEvents;
export type MethodRequest<M extends WalletMethodName> = z.input<(typeof walletMethods)[M]['request']>;
export type MethodResponse<M extends WalletMethodName> = z.output<(typeof walletMethods)[M]['response']>;
export type WalletEventPayload<E extends WalletEventName> = z.output<(typeof walletEvents)[E]>;

export const WALLET_METHOD_NAMES = Object.keys(walletMethods) as WalletMethodName[];
export const WALLET_EVENT_NAMES = Object.keys(walletEvents) as WalletEventName[];

/** IPC channel of a method: fixed strings, never built from renderer input. */
export const methodChannel = (m: WalletMethodName): string => `wallet:call:${m}`;
export const eventChannel = (e: WalletEventName): string => `wallet:event:${e}`;

export function isWalletMethod(name: unknown): name is WalletMethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(walletMethods, name);
}
export function isWalletEvent(name: unknown): name is WalletEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(walletEvents, name);
}

/** The renderer's whole view of the backend. */
export type WalletApi = {
  [M in WalletMethodName]: (request: MethodRequest<M>) => Promise<MethodResponse<M>>;
} & {
  on<E extends WalletEventName>(event: E, listener: (payload: WalletEventPayload<E>) => void): () => void;
};

/** Errors cross the boundary as data: a stable code and a message for people. */
export const WalletErrorBody = z.strictObject({
  code: z.string().max(64),
  message: z.string().max(2000),
  issues: z.array(z.strictObject({ path: z.string().max(200), message: z.string().max(500) })).max(50).optional(),
});
export type WalletErrorBody = z.infer<typeof WalletErrorBody>;

export class WalletApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'WalletApiError';
  }
  toBody(): WalletErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}
