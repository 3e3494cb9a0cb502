// The wallet's client for the platform API (reference server: platform/, docs/PLATFORM.md).
//
// PlatformClient — REST, one method per route:
//   const c = new PlatformClient({ base_url, credentials: { key_id, secret }, timeout_ms: 10_000 });
//   market (no credentials needed): getMarket(), getTicker(), getCandles({interval, before, limit}),
//     getTrades({before, limit}), getBook({depth})
//   account: getAccount(), getSubscription(), setElection('mint'|'renewal_credit'),
//     recordUsage({credits}), redeem({tokens}), deposit({amount_usd}), withdraw({amount_usd}),
//     getBalances(), getEvents({after, limit})
//   orders: placeOrder(req) -> { order, created }, listOrders({status, limit}), getOrder(id),
//     getOrderByClientId(client_order_id), cancelOrder(id)
// - base_url must be https:// unless the platform is on loopback (TypeError otherwise); a
//   redirect is never followed (the signed headers would go with it): it is a PlatformError
//   `redirect_refused` with the HTTP status. The stream answers the server's one-time challenge.
// - Every private request is signed when it is SENT (X-Timestamp = now, strictly increasing per
//   client so identical writes never share a signature), so a request that waited in a queue is
//   never refused as stale; the same request object can be retried.
// - Every response is validated with the same zod schemas the server validates with
//   (shared/platform/api.ts, events.ts). Amounts are decimal strings, never numbers.
// - Every failure is a PlatformError { status, code, message, retry_after_ms?, details? }:
//     transient        -> status 0 (network_error, timeout), 5xx, or 429 (retry_after_ms set):
//                         try again later (after retry_after_ms for 429).
//     !transient       -> the platform's final answer (400 validation_failed, 401 auth codes,
//                         404 order_not_found, 409 client_order_id_conflict / order_not_open,
//                         422 insufficient_funds / deadline_passed ...): do not retry as is.
//     outcome_unknown  -> status 0: the request may have been applied. Orders: resend with the
//                         SAME client_order_id (idempotent forever; 200 returns the original,
//                         `created: false`). Other writes: reconcile from getEvents() first.
// - The offline order queue should send market orders with `protection_price` and any order
//   with a `deadline` (ISO time) so the platform refuses it if it arrives too late.
//
// PlatformStream — WebSocket /v1/ws:
//   const s = new PlatformStream({ base_url, credentials, channels: ['events', 'book'], timeout_ms: 5000 });
//   s.on('event', ev => ...); s.on('heartbeat', hb => ...); await s.connect(); ... await s.close();
// - Emits 'event' (AccountEvent), 'heartbeat' {last_seq, book_seq}, 'book_snapshot', 'book_delta'
//   {seq, changes}, 'trade', 'ticker', 'error' (PlatformError), 'close' {code, reason}.
// - Sync rule: apply events in seq order; on a seq gap, or a heartbeat whose last_seq is above
//   the last applied seq, refetch with getEvents({ after: last_applied }). Book: apply deltas
//   only when delta.seq === previous seq + 1, else take a new snapshot (getBook or resubscribe).
// - It does not reconnect by itself: the sync engine owns the reconnect/backoff policy.
export { PlatformClient, type PlatformClientOptions, type PlatformCredentials, type FetchLike } from './client.js';
export { PlatformStream, type PlatformStreamOptions, type StreamEvents } from './stream.js';
export { PlatformError, isPlatformError } from './errors.js';
