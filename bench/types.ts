export interface BenchResult {
  name: string;
  /** A plain number: the measurement itself (a rate or a duration), never money. */
  value: number;
  unit: string;
  /** value / baseline, where a baseline is measured in the same run. */
  ratio?: number;
  /** The target the issue sets, as text, e.g. ">= 50000 orders/s". */
  target?: string;
  ok?: boolean;
  /** machine.probe_*: the benchmark the probe ran just before (bench/probe.ts). */
  before?: string;
}

export interface Benchmark {
  name: string;
  run(): AsyncIterable<BenchResult> | Iterable<BenchResult>;
}
