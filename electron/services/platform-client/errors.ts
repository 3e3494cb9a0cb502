// The one error type the platform client throws. `transient` tells a caller whether
// trying again later can succeed (network trouble, timeout, 5xx, 429) or whether the
// platform gave a final answer (4xx: validation, insufficient funds, conflict, auth).
export class PlatformError extends Error {
  override name = 'PlatformError';
  /** HTTP status; 0 when no response arrived (network error, timeout). */
  readonly status: number;
  /** snake_case code from the platform, or a client-side one: network_error, timeout, invalid_response. */
  readonly code: string;
  /** For 429: how long to wait before retrying (from Retry-After). */
  readonly retry_after_ms?: number;
  readonly details?: unknown;

  constructor(init: { status: number; code: string; message: string; retry_after_ms?: number; details?: unknown; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    if (init.retry_after_ms !== undefined) this.retry_after_ms = init.retry_after_ms;
    if (init.details !== undefined) this.details = init.details;
  }

  /** True when the request may succeed if sent again later (same client_order_id for orders). */
  get transient(): boolean {
    // replayed_request: two identical writes signed in the same millisecond; a resend is
    // signed afresh, so it goes through.
    return this.status === 0 || this.status === 429 || this.status >= 500 || this.code === 'replayed_request';
  }

  /**
   * True when the platform may have applied the request although no answer arrived
   * (timeout or connection lost after sending). Orders are safe to resend with the same
   * client_order_id; other writes should be reconciled from the event feed first.
   */
  get outcome_unknown(): boolean {
    return this.status === 0;
  }
}

export function isPlatformError(e: unknown): e is PlatformError {
  return e instanceof PlatformError;
}
