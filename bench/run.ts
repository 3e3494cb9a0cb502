// Benchmark runner: `npm run bench -- --json [--only NAME]`.
// Every file bench/*.bench.ts exports `benchmarks: Benchmark[]`; each yields results.
// With --json, one JSON object per line: {"name","value","unit"[,"ratio"][,"target"][,"ok"]}.
// Before each benchmark, machine.probe_cpu_ms and machine.probe_fault_ms time a fixed amount of
// work ({"before": NAME}): how fast the machine was just then (bench/probe.ts).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { machineProbe } from './probe.js';
import type { Benchmark, BenchResult } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;

function print(r: BenchResult): void {
  if (json) process.stdout.write(JSON.stringify(r) + '\n');
  else {
    const extra = [r.ratio !== undefined ? `ratio ${r.ratio}` : '', r.target ? `target ${r.target}` : '', r.ok === undefined ? '' : r.ok ? 'OK' : 'MISSED']
      .filter(Boolean)
      .join(', ');
    process.stdout.write(`${r.name}: ${r.value} ${r.unit}${extra ? ` (${extra})` : ''}${r.before ? ` (before ${r.before})` : ''}\n`);
  }
}

const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();
if (!json) process.stdout.write(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.cpus()[0]?.model ?? '?'}, node ${process.version}\n`);
let failed = false;
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { benchmarks: Benchmark[] };
  for (const b of mod.benchmarks) {
    if (only && !b.name.includes(only)) continue;
    for (const r of machineProbe(b.name)) print(r);
    try {
      for await (const r of b.run()) print(r);
    } catch (err) {
      failed = true;
      process.stderr.write(`benchmark ${b.name} failed: ${(err as Error).stack ?? String(err)}\n`);
    }
  }
}
process.exitCode = failed ? 1 : 0;
