// Token buckets per key (API key id for private routes, remote address for public ones).
// Bounded memory: at most MAX_BUCKETS keys; when full, idle buckets (which are full
// again anyway) are dropped, and if none is idle the oldest half goes.
export interface RateLimitConfig {
  /** Burst size for private (signed) routes, per API key. */
  private_capacity: number;
  private_refill_per_s: number;
  /** Burst size for public routes, per remote address. */
  public_capacity: number;
  public_refill_per_s: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  private_capacity: 100,
  private_refill_per_s: 50,
  public_capacity: 200,
  public_refill_per_s: 100,
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
