// The sender's view of the platform: three calls, and one error type that says what the
// failure means for an order. The app plugs in the signed HTTP client
// (platformClientTransport); the simulation plugs in a fault-injecting in-process one.
import type { Order, OrderRequest } from '../../../shared/platform/api.js';
import type { PlatformClient } from '../platform-client/index.js';
import { isPlatformError } from '../platform-client/index.js';
import { RETRY_AFTER_MAX_MS } from './types.js';

/**
 * What a failed call means:
 *  - final:      the platform refused; nothing was applied; do not retry (400, 409, 422 ...).
 *  - not_found:  lookup/cancel: the platform has no such order (404).
 *  - transient:  nothing was applied; try again later (429 with retry_after_ms, 5xx, auth trouble).
 *  - unknown:    the request may or may not have been applied (timeout, connection lost).
 */
export type TransportOutcome = 'final' | 'not_found' | 'transient' | 'unknown';

export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly outcome: TransportOutcome,
    readonly code: string,
    message: string,
    readonly status: number = 0,
    readonly retry_after_ms: number | null = null,
    /** For 409 order_not_open on cancel: the order as the platform has it. */
    readonly order: Order | null = null,
  ) {
    super(message);
  }
}

export interface OrderTransport {
  /** Signs at send time. Idempotent by client_order_id on the platform. */
  createOrder(req: OrderRequest): Promise<{ order: Order; created: boolean }>;
  /** Throws TransportError('not_found') when the platform never received it. */
  getOrderByClientId(client_order_id: string): Promise<Order>;
  cancelOrder(order_id: string): Promise<Order>;
}

/** Maps any thrown value to a TransportError (unrecognised errors: unknown, the safe reading). */
export function toTransportError(e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  if (isPlatformError(e)) {
    const retry = e.retry_after_ms === undefined ? null : Math.min(RETRY_AFTER_MAX_MS, Math.max(0, e.retry_after_ms));
    const order = orderFromDetails(e.details);
    if (e.status === 0) return new TransportError('unknown', e.code, e.message, 0);
    if (e.status === 429) return new TransportError('transient', e.code, e.message, 429, retry);
    // The reference platform answers 5xx only when its transaction rolled back (nothing applied);
    // a gateway 502/504 may sit in front of an applied request: unknown.
    if (e.status === 502 || e.status === 504) return new TransportError('unknown', e.code, e.message, e.status);
    if (e.status >= 500) return new TransportError('transient', e.code, e.message, e.status, retry);
    // Auth trouble (clock skew, a replayed signature) is not the order's fault: retry later.
    if (e.status === 401) return new TransportError('transient', e.code, e.message, 401);
    if (e.status === 404 && e.code === 'order_not_found') return new TransportError('not_found', e.code, e.message, 404);
    return new TransportError('final', e.code, e.message, e.status, null, order);
  }
  return new TransportError('unknown', 'unexpected_error', e instanceof Error ? e.message : String(e));
}

function orderFromDetails(details: unknown): Order | null {
  if (typeof details !== 'object' || details === null || !('order' in details)) return null;
  const o = (details as { order: unknown }).order;
  return typeof o === 'object' && o !== null && 'client_order_id' in o ? (o as Order) : null;
}

/** The app's transport: the signed platform client (electron/services/platform-client). */
export function platformClientTransport(client: PlatformClient): OrderTransport {
  const wrap = async <T>(p: () => Promise<T>): Promise<T> => {
    try {
      return await p();
    } catch (e) {
      throw toTransportError(e);
    }
  };
  return {
    createOrder: (req) => wrap(() => client.placeOrder(req)),
    getOrderByClientId: (id) => wrap(() => client.getOrderByClientId(id)),
    cancelOrder: (id) => wrap(() => client.cancelOrder(id)),
  };
}
