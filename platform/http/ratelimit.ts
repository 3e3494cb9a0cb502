// Token buckets per key (API key id for private routes, remote address for public ones),
// and the limiter of failed authentication (per key id and per address).
// Bounded memory: at most MAX_BUCKETS keys; when full, idle buckets (which are full
// again anyway) are dropped, and if none is idle the oldest half goes.
export interface RateLimitConfig {
  /** Burst size for private (signed) routes, per API key. */
  private_capacity: number;
  private_refill_per_s: number;
  /** Burst size for public routes, per remote address. */
  public_capacity: number;
  public_refill_per_s: number;
  /** Failed authentications (HTTP and WebSocket) a key id, and an address, may make in a burst. */
  auth_failure_capacity: number;
  /** Failures forgiven per second. */
  auth_failure_refill_per_s: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  private_capacity: 100,
  private_refill_per_s: 50,
  public_capacity: 200,
  public_refill_per_s: 100,
  auth_failure_capacity: 20,
  auth_failure_refill_per_s: 0.5,
};

const MAX_BUCKETS = 50_000;

interface Bucket {
  tokens: number;
  last_ms: number;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  constructor(
    private readonly capacity: number,
    private readonly refill_per_s: number,
    private readonly now_ms: () => number,
  ) {
    if (!(capacity >= 1 && refill_per_s > 0)) throw new Error('rate limit: capacity >= 1 and refill > 0');
  }

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number {
    const now = this.now_ms();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.evict(now);
      b = { tokens: this.capacity, last_ms: now };
      this.buckets.set(key, b);
    } else {
      const elapsed = Math.max(0, now - b.last_ms);
      b.tokens = Math.min(this.capacity, b.tokens + (elapsed * this.refill_per_s) / 1000);
      b.last_ms = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 1000) / this.refill_per_s);
  }

  /** Like take() but consumes nothing: 0 when a token is available, else the milliseconds until one is. */
  peek(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    const tokens = Math.min(this.capacity, b.tokens + (Math.max(0, this.now_ms() - b.last_ms) * this.refill_per_s) / 1000);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / this.refill_per_s);
  }

  private evict(now: number): void {
    const full_after_ms = (this.capacity * 1000) / this.refill_per_s;
    for (const [k, b] of this.buckets) if (now - b.last_ms >= full_after_ms) this.buckets.delete(k);
    if (this.buckets.size < MAX_BUCKETS) return;
    let n = this.buckets.size / 2;
    for (const k of this.buckets.keys()) {
      if (n-- <= 0) break;
      this.buckets.delete(k);
    }
  }
}

/**
 * Failed authentication, limited per presented key id and per remote address: once either
 * has used its burst, every attempt from it is refused (429, Retry-After) before any
 * signature is checked, until failures are forgiven again. Successes cost nothing.
 */
export class AuthFailureLimiter {
  private readonly byKey: RateLimiter;
  private readonly byAddress: RateLimiter;
  constructor(cfg: RateLimitConfig, now_ms: () => number) {
    this.byKey = new RateLimiter(cfg.auth_failure_capacity, cfg.auth_failure_refill_per_s, now_ms);
    this.byAddress = new RateLimiter(cfg.auth_failure_capacity, cfg.auth_failure_refill_per_s, now_ms);
  }

  /** 0 when this key id and address may try; else the milliseconds to wait. */
  waitMs(key_id: string | undefined, address: string): number {
    return Math.max(key_id === undefined ? 0 : this.byKey.peek(key_id), this.byAddress.peek(address));
  }

  failed(key_id: string | undefined, address: string): void {
    if (key_id !== undefined) this.byKey.take(key_id);
    this.byAddress.take(address);
  }
}
