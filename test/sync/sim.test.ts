// A slice of the sync simulation (`npm run sim -- --suite ledger` runs the long version).
import { describe, expect, it } from 'vitest';
import { runSyncSimulation } from '../sim/sync-sim.js';

describe('sync simulation', () => {
  it('ends exactly in sync under transient faults, for 30 seeds', async () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      try {
        await runSyncSimulation(seed);
      } catch (err) {
        failures.push(`seed ${seed}: ${(err as Error).message} (replay: npm run sim -- --suite ledger --seed ${seed})`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
