// Migration suite (issue 13): per seed, SIGKILL during a schema migration (at a seeded
// fault point or after a seeded delay); the file is the old or the new version, verified,
// every named backup intact, and the next start migrates it. Every other seed runs in a folder
// with a key: the plain file is encrypted first (plain or encrypted after the kill, never half).
// `--seeds 200` or more.
import type { SimSuite } from '../types.js';
import { runMigrationCrash } from '../migrate-crash.js';

export const suite: SimSuite = {
  name: 'migration',
  description: 'SIGKILL during a schema migration (and the encryption of a plain file): old or new version, verified, backup intact, next start migrates',
  async run(seed) {
    await runMigrationCrash(seed, { encrypt: Math.floor(seed / 2) % 2 === 1 });
  },
};
