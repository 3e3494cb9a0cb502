// Orders suite (issue #5): per seed, the real order engine, ledger and platform core in
// process on a virtual clock, with dropped requests and answers, timeouts, 429/5xx,
// crashes before and after sending, a faulty event feed and platform restarts.
// Invariants and the replay line: test/orders/harness.ts.
import type { SimSuite } from '../types.js';
import { runOrdersSim } from '../../orders/harness.js';

export const suite: SimSuite = {
  name: 'orders',
  description: 'offline order queue: exactly once, never after expiry, nothing lost, converges to the platform, drains once faults stop',
  async run(seed) {
    await runOrdersSim({ seed, steps: 120 });
  },
};
