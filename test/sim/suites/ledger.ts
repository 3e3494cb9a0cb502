// Ledger suite: per seed, (1) the crash scenario (child SIGKILLed mid-ingestion, restarted)
// and (2) the sync engine against a simulated misbehaving platform.
import type { SimSuite } from '../types.js';
import { runCrashScenario } from '../crash.js';
import { runSyncSimulation } from '../sync-sim.js';

export const suite: SimSuite = {
  name: 'ledger',
  description: 'crash safety of ingestion (SIGKILL at seeded points) and sync under duplicated/reordered/gapped/malformed events and dropped connections',
  async run(seed) {
    await runCrashScenario(seed);
    await runSyncSimulation(seed);
  },
};
