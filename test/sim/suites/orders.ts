// Orders suite (issue #5): per seed, the real order engine, ledger, sync engine and platform
// core in process on a virtual clock, with dropped requests and answers, timeouts, 429/5xx,
// crashes before and after sending, a faulty REST + WebSocket event feed into the real sync
// engine (dropped, duplicated, stale, reordered events; stream closes and silences; refused
// connects) and platform restarts. Invariants and the replay line: test/orders/harness.ts.
// SIM_ORDERS_STEPS=N replays a run with N faulty steps (`npm test` runs 60; default 120).
import type { SimSuite } from '../types.js';
import { runOrdersSim, STEPS_MAX, SUITE_STEPS } from '../../orders/harness.js';

function stepsFromEnv(): number {
  const v = process.env.SIM_ORDERS_STEPS;
  if (v === undefined || v === '') return SUITE_STEPS;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0 || n > STEPS_MAX) throw new Error(`SIM_ORDERS_STEPS must be an integer 0..${STEPS_MAX}`);
  return n;
}

export const suite: SimSuite = {
  name: 'orders',
  description: 'offline order queue + real sync engine: exactly once, never after expiry, nothing lost, converges to the platform, drains once faults stop',
  async run(seed) {
    await runOrdersSim({ seed, steps: stepsFromEnv() });
  },
};
