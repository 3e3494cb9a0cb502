// The order engine (issue #5): order entry with an offline queue that sends every order
// exactly once. Docs: docs/ORDERS.md. Public API for the app (electron/app) and tests:
//
//   const ledger = openLedger({ path });                       // the outbox lives in the same SQLite file
//   const orders = createOrderService({
//     ledger,                                                   // LedgerView: database(), walletBalances()
//     transport: platformClientTransport(new PlatformClient({ base_url, credentials, timeout_ms })),
//     clock?, taker_fee_bps? (20), rate_limit? ({capacity 40, refill 40/s} | false), online? (false),
//     max_in_flight? (1: strict queue order; n: n overlapping requests), logger?,
//   });
//   orders.start()                                  background sender (real timers); orders.stop() / close()
//   orders.setOnline(bool)                          link to the sync engine's connection status; online → drains
//   orders.place(input: PlaceOrderInput): OrderView             commits to the outbox, returns queued (sends at once if online)
//        throws OrderEntryError { code: invalid_input | insufficient_funds | insufficient_tokens | queue_full, message }
//   orders.cancel(client_order_id | {client_order_id}): OrderView   queued → canceled (never sent); open → cancel request
//        throws OrderEntryError { code: not_found | not_cancelable | invalid_input }
//   orders.get(id) / orders.list({ states?, limit? }) / orders.queue(): OrderView[]
//   orders.available(): AvailableView               { usd, token }: settled − reserved = available (decimal strings)
//   orders.refresh(): number                        merge order events the ledger applied (call after each ingest)
//   orders.drainOnce() / orders.drain(): DrainResult  one pass / passes until nothing is due now (tests, simulation)
//   orders.subscribe(listener: (OrderChange) => void): unsubscribe   for the UI (orders changed, online/paused)
//
// Zod schemas for the wallet API contract: inputs PlaceOrderInput, CancelOrderInput, ListOrdersInput;
// outputs OrderViewSchema, AvailableViewSchema (the TS types OrderView, AvailableView match them).
// Money travels as decimal strings. Nothing here imports electron.
export {
  createOrderService,
  OrderService,
  systemClock,
  DEFAULT_SEND_RATE,
  type Clock,
  type LedgerView,
  type OrderServiceOptions,
  type RateLimit,
} from './service.js';
export { platformClientTransport, toTransportError, TransportError, type OrderTransport, type TransportOutcome } from './transport.js';
export { reservationFor } from './reserve.js';
export { unsentOrdersIn, type UnsentOrder } from './stranded.js';
export {
  PlaceOrderInput,
  CancelOrderInput,
  OrderViewSchema,
  AvailableViewSchema,
  ListOrdersInput,
  zOrderState,
  zClientOrderId,
  ORDER_STATES,
  PENDING_STATES,
  LIVE_STATES,
  FINAL_STATES,
  OrderEntryError,
  OrderInvariantError,
  DEFAULT_EXPIRY_MS,
  MIN_EXPIRY_MS,
  MAX_EXPIRY_MS,
  MAX_PENDING_ORDERS,
  SEND_WINDOW_MAX,
  MAX_IN_FLIGHT_LIMIT,
  MAX_SEND_ATTEMPTS,
  MAX_CANCEL_ATTEMPTS,
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  RETRY_AFTER_MAX_MS,
  type OrderState,
  type OrderView,
  type AvailableView,
  type ExternalOrderView,
  type BalanceView,
  type DrainResult,
  type OrderChange,
} from './types.js';
