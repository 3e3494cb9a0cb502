// Order statistics for the benchmarks' latency samples.

/** The p-th percentile (0..100) of an ascending array: the nearest-rank sample. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
