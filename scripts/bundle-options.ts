// esbuild options of the main-process bundles (scripts/build-main.ts), shared with the test that
// loads the bundled tax worker (test/app/tax-worker-bundle.test.ts).
import type { BuildOptions } from 'esbuild';

export const common = { bundle: true, platform: 'node' as const, target: 'node20', sourcemap: true, logLevel: 'warning' as const };

/** ESM for Node; npm packages stay external (electron-builder ships node_modules). */
export const esm: BuildOptions = {
  ...common,
  format: 'esm',
  packages: 'external',
  // CommonJS dependencies bundled into ESM need a real require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};

/** The tax worker thread's entry: a file of its own next to main.mjs (worker-client.ts loads it from there). */
export const TAX_WORKER = { entry: 'electron/services/tax/worker.ts', file: 'tax-worker.mjs' } as const;

/** The row-file worker's entry (row-worker.ts loads it from next to the bundle that starts it: main.mjs or tax-worker.mjs). */
export const TAX_ROWS_WORKER = { entry: 'electron/services/tax/row-files-worker.ts', file: 'tax-rows-worker.mjs' } as const;
