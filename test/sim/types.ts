/** A simulation suite: `run(seed)` throws (with a useful message) when the seed finds a bug. */
export interface SimSuite {
  name: string;
  description: string;
  run(seed: number): Promise<void>;
}
