// Bundles the Electron main process (ESM), the tax worker threads (ESM, a file each) and the
// preload script (CommonJS: sandboxed preloads cannot load ES modules) into dist/electron/.
// npm packages stay external: electron-builder ships node_modules (native ones unpacked from the asar).
import { build } from 'esbuild';
import { common, esm, TAX_ROWS_WORKER, TAX_WORKER } from './bundle-options.js';

await build({ ...esm, entryPoints: ['electron/shell/main.ts'], outfile: 'dist/electron/main.mjs' });
await build({ ...esm, entryPoints: [TAX_WORKER.entry], outfile: `dist/electron/${TAX_WORKER.file}` });
await build({ ...esm, entryPoints: [TAX_ROWS_WORKER.entry], outfile: `dist/electron/${TAX_ROWS_WORKER.file}` });
await build({
  ...common,
  entryPoints: ['electron/shell/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  format: 'cjs',
  external: ['electron'], // everything else (the contract, zod) is bundled: a sandboxed preload cannot require()
});
console.log(`built dist/electron/main.mjs, dist/electron/${TAX_WORKER.file}, dist/electron/${TAX_ROWS_WORKER.file} and dist/electron/preload.cjs`);
