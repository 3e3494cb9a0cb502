// Bundles the Electron main process (ESM) and the preload script (CommonJS: sandboxed
// preloads cannot load ES modules) into dist/electron/. npm packages stay external:
// electron-builder ships node_modules (native ones unpacked from the asar).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node' as const, target: 'node20', sourcemap: true, logLevel: 'warning' as const };

await build({
  ...common,
  entryPoints: ['electron/shell/main.ts'],
  outfile: 'dist/electron/main.mjs',
  format: 'esm',
  packages: 'external',
  // CommonJS dependencies bundled into ESM need a real require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: ['electron/shell/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  format: 'cjs',
  external: ['electron'], // everything else (the contract, zod) is bundled: a sandboxed preload cannot require()
});
console.log('built dist/electron/main.mjs and dist/electron/preload.cjs');
