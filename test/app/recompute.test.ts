// The bounded-rate memo for values computed over the whole ledger on the main thread.
import { describe, expect, it } from 'vitest';
import { Recompute } from '../../electron/app/tax-service.js';

describe('Recompute', () => {
  it('recomputes on a new key at once, on a ledger move at most once per 10x its cost', () => {
    let now = 0;
    let runs = 0;
    const r = new Recompute<string>(() => now);
    const compute = (v: string) => () => {
      runs++;
      now += 30; // this computation costs 30 ms
      return v;
    };
    expect(r.get('k', 1, compute('a@1'))).toBe('a@1');
    expect(r.get('k', 1, compute('x'))).toBe('a@1'); // same ledger point: cached
    expect(runs).toBe(1);
    now += 100;
    expect(r.get('k', 2, compute('a@2'))).toBe('a@1'); // moved, but within 10 × 30 ms: trails
    now += 200; // 300 ms after the last computation ended
    expect(r.get('k', 2, compute('a@2'))).toBe('a@2');
    expect(runs).toBe(2);
    expect(r.get('other', 2, compute('b@2'))).toBe('b@2'); // settings or year changed: at once
    expect(runs).toBe(3);
  });
});
