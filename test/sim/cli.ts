// `npm run sim -- --seeds 1000 [--from N] [--suite NAME] [--seed N] [--jobs J]`
// Runs every registered suite (test/sim/suites/<name>.ts exporting `suite`) for seeds
// from..from+N-1 (default 1..100), or just --seed N. Unknown flags are refused (args.ts).
// A failing seed prints a one-line replay command.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SimSuite } from './types.js';
import { parseSimArgs } from './args.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function loadSuites(): Promise<SimSuite[]> {
  const files = readdirSync(path.join(here, 'suites')).filter((f) => f.endsWith('.ts')).sort();
  const out: SimSuite[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(here, 'suites', f)).href)) as { suite?: SimSuite };
    if (!mod.suite) throw new Error(`suites/${f} does not export "suite"`);
    out.push(mod.suite);
  }
  return out;
}

async function main(args: string[]): Promise<number> {
  const { suite: name, seeds, jobs } = parseSimArgs(args);
  const all = await loadSuites();
  const suites = name ? all.filter((s) => s.name === name) : all;
  if (suites.length === 0) {
    process.stderr.write(`unknown suite ${name}; suites: ${all.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  let failed = 0;
  for (const s of suites) {
    const started = performance.now();
    const queue = [...seeds];
    let done = 0;
    const worker = async () => {
      for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
        try {
          await s.run(seed);
        } catch (err) {
          failed += 1;
          const msg = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 500);
          process.stdout.write(`FAIL ${s.name} seed ${seed}: ${msg}\n  replay: npm run sim -- --suite ${s.name} --seed ${seed}\n`);
        }
        done += 1;
        if (done % 100 === 0) process.stdout.write(`${s.name}: ${done}/${seeds.length} seeds\n`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, seeds.length) }, worker));
    process.stdout.write(`${s.name}: ${seeds.length} seeds in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(failed === 0 ? 'all seeds passed\n' : `${failed} failing seed(s)\n`);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
