// Starts one of the tax module's worker threads from the location of the calling module: the
// bundled .mjs next to the bundle (scripts/bundle-options.ts), or, running from source, the .ts
// entry with tsx registered in the worker first (under tsx or vitest alike: a worker thread
// does not inherit the parent's module hooks).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** `here`: the caller's import.meta.url; `tsEntry` / `bundledFile`: siblings of it (e.g. './worker.ts', './tax-worker.mjs'). */
export function startWorkerEntry(here: string, tsEntry: string, bundledFile: string): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL(bundledFile, here));
  // tsx's ESM API as its package exports it for `import` (require.resolve would pick the CJS build).
  const pkgFile = createRequire(here).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(path.join(path.dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
  const entry = new URL(tsEntry, here).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}
