// One backoff for every retry loop (sync, orders, compute redemptions, market stream):
// exponential from base_ms, capped at max_ms, with optional "equal jitter" (half fixed, half
// random) so many clients retrying together spread out without ever retrying at once.
import { assert } from './assert.js';

export interface BackoffPolicy {
  base_ms: number;
  max_ms: number;
  /** Fraction of the delay that is random, in [0, 1]; 0 = deterministic. */
  jitter: number;
}

/** Exponents above this no longer change a capped delay and would overflow 2 ** n. */
const EXPONENT_MAX = 30;

/** Delay before retry number `attempt` (0 = the first retry). `random` is in [0, 1]. */
export function backoffMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  assert(policy.base_ms > 0 && policy.max_ms >= policy.base_ms, `backoff policy ${policy.base_ms}..${policy.max_ms} ms`);
  assert(policy.jitter >= 0 && policy.jitter <= 1, `backoff jitter ${policy.jitter}`);
  assert(Number.isInteger(attempt) && attempt >= 0, `backoff attempt ${attempt}`);
  const capped = Math.min(policy.max_ms, policy.base_ms * 2 ** Math.min(attempt, EXPONENT_MAX));
  if (policy.jitter === 0) return capped;
  const r = random();
  assert(r >= 0 && r <= 1, `backoff random ${r}`);
  return Math.round(capped * (1 - policy.jitter) + capped * policy.jitter * r);
}
