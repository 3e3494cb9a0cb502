// Flags of `npm run sim` (cli.ts). Strict: an unknown or repeated flag, or a value where
// none belongs, is an error naming it, so a typo never silently runs the default seeds.
import { parseArgs } from 'node:util';

export const SEEDS_MAX = 1_000_000;
export const SEED_MAX = 2 ** 31;
export const JOBS_MAX = 16;

export const SIM_USAGE = 'usage: npm run sim -- [--seeds N] [--from N] [--seed N] [--suite NAME] [--jobs J]';

export interface SimArgs {
  suite: string | undefined;
  /** The seeds to run, in order. */
  seeds: number[];
  jobs: number;
}

function intFlag(values: Record<string, string | boolean | undefined>, name: string, fallback: number, max: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new Error(`--${name} must be an integer 1..${max}`);
  return Number(v);
}

/** Parses the CLI flags; throws an Error with a one-line message on anything it does not know. */
export function parseSimArgs(args: string[]): SimArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: { seeds: { type: 'string' }, from: { type: 'string' }, seed: { type: 'string' }, suite: { type: 'string' }, jobs: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new Error(`${(e as Error).message.split('\n')[0]}\n${SIM_USAGE}`);
  }
  const jobs = intFlag(values, 'jobs', 2, JOBS_MAX);
  const suite = values.suite as string | undefined;
  if (values.seed !== undefined) {
    if (values.seeds !== undefined || values.from !== undefined) throw new Error(`--seed runs one seed; it cannot be combined with --seeds or --from\n${SIM_USAGE}`);
    return { suite, seeds: [intFlag(values, 'seed', 1, SEED_MAX)], jobs };
  }
  const count = intFlag(values, 'seeds', 100, SEEDS_MAX);
  const from = intFlag(values, 'from', 1, SEED_MAX);
  if (from + count - 1 > SEED_MAX) throw new Error(`--from ${from} with --seeds ${count} goes past seed ${SEED_MAX}`);
  return { suite, seeds: Array.from({ length: count }, (_, i) => from + i), jobs };
}
