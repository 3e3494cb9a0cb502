// The deterministic fault simulation of the order engine over 200 seeds (`npm test`).
// The long run: `npm run sim -- --suite orders --seeds 10000`. A failure names its seed
// and the one-line replay command.
import { describe, expect, it } from 'vitest';
import { runOrdersSim, type SimReport } from './harness.js';

const SEEDS = 200;
const CHUNK = 50;
// Steps per seed with faults on (the long run uses 120); keeps the 200 seeds to ~10 s.
const STEPS = 60;

describe('orders fault simulation', () => {
  const reports: SimReport[] = [];
  for (let from = 1; from <= SEEDS; from += CHUNK) {
    it(`seeds ${from}..${from + CHUNK - 1} keep every invariant and drain once faults stop`, async () => {
      for (let seed = from; seed < from + CHUNK; seed++) reports.push(await runOrdersSim({ seed, steps: STEPS }));
    });
  }

  it('the seeds actually exercised the faults and the outcomes (not a vacuous pass)', () => {
    expect(reports.length).toBe(SEEDS);
    const sum = (f: (r: SimReport) => number) => reports.reduce((a, r) => a + f(r), 0);
    const fault = (k: string) => sum((r) => r.faults[k] ?? 0);
    const state = (k: string) => sum((r) => r.states[k] ?? 0);
    for (const k of ['response_dropped', 'request_dropped', 'timeout', '429', '5xx', 'crash_before_send', 'crash_after_send', 'delayed', 'straggler_delivered', 'platform_down', 'lookup', 'cancel']) {
      expect(fault(k), k).toBeGreaterThan(0);
    }
    expect(sum((r) => r.crashes)).toBeGreaterThan(SEEDS);
    expect(sum((r) => r.platform_restarts)).toBeGreaterThan(0);
    expect(sum((r) => r.filled_or_partial)).toBeGreaterThan(0);
    for (const s of ['open', 'filled', 'canceled', 'expired', 'rejected']) expect(state(s), s).toBeGreaterThan(0);
  });
});
