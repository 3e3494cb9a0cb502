// A fixed amount of work timed before each benchmark, to tell a slow run of the machine from a
// slow run of the code. Why: this VM's speed drifts by 25-50% within minutes with nothing else
// running (docs/BENCHMARKS.md: the same tax report took 7.8 s of CPU, then 11.4 s), so a missed
// target means little without knowing the machine's pace at that moment.
//  - machine.probe_cpu_ms: SHA-256 of 128 MB already in memory plus a fixed integer loop
//    (median of three); ~110 ms when the machine runs at its usual pace (2026-12-06).
//  - machine.probe_fault_ms: touching 64 MB of fresh memory, one write per page (page faults
//    are slow on this VM and their cost drifts too).
import { createHash } from 'node:crypto';
import { percentile } from './stats.js';
import type { BenchResult } from './types.js';

const HASH_BYTES = 16 * 1024 * 1024;
const HASH_ROUNDS = 8;
const LOOP_N = 20_000_000;
const FAULT_BYTES = 64 * 1024 * 1024;
const PAGE_BYTES = 4096;
const REPEATS = 3;

function cpuOnce(buf: Buffer): number {
  const t0 = performance.now();
  for (let i = 0; i < HASH_ROUNDS; i++) createHash('sha256').update(buf).digest();
  let x = 1;
  for (let i = 0; i < LOOP_N; i++) x = (Math.imul(x, 1_664_525) + 1_013_904_223) | 0;
  if (x === 42) throw new Error('unreachable: keeps the loop');
  return performance.now() - t0;
}

function faultOnce(): number {
  const t0 = performance.now();
  const b = new Uint8Array(FAULT_BYTES);
  for (let i = 0; i < b.length; i += PAGE_BYTES) b[i] = 1;
  return performance.now() - t0;
}

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

/** The probe's two results, labelled with the benchmark they precede. */
export function machineProbe(before: string): BenchResult[] {
  const buf = Buffer.alloc(HASH_BYTES, 7);
  const cpu: number[] = [];
  const fault: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    cpu.push(cpuOnce(buf));
    fault.push(faultOnce());
  }
  const round = (x: number): number => Math.round(x * 10) / 10;
  return [
    { name: 'machine.probe_cpu_ms', value: round(median(cpu)), unit: 'ms', before },
    { name: 'machine.probe_fault_ms', value: round(median(fault)), unit: 'ms', before },
  ];
}
