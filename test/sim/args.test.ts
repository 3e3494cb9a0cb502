// `npm run sim` flags: strict parsing (a typo is an error, not the default run) and --from.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimArgs } from './args.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm run sim flags', () => {
  it('runs seeds from..from+N-1 with --from, and 1..100 by default', () => {
    expect(parseSimArgs(['--seeds', '3', '--from', '1001']).seeds).toEqual([1001, 1002, 1003]);
    expect(parseSimArgs(['--from', '5']).seeds[0]).toBe(5);
    expect(parseSimArgs(['--from', '5']).seeds).toHaveLength(100);
    expect(parseSimArgs([]).seeds).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(parseSimArgs(['--seed', '77', '--suite', 'ledger', '--jobs', '4'])).toEqual({ suite: 'ledger', seeds: [77], jobs: 4 });
  });

  it('refuses unknown flags, stray values and bad numbers with a message naming them', () => {
    expect(() => parseSimArgs(['--form', '1000'])).toThrow(/--form/);
    expect(() => parseSimArgs(['--seeds', '10', 'extra'])).toThrow(/extra/);
    expect(() => parseSimArgs(['--seeds', '0'])).toThrow(/--seeds must be an integer/);
    expect(() => parseSimArgs(['--from', '1.5'])).toThrow(/--from must be an integer/);
    expect(() => parseSimArgs(['--seed', '3', '--from', '2'])).toThrow(/cannot be combined/);
    expect(() => parseSimArgs(['--from', String(2 ** 31), '--seeds', '2'])).toThrow(/goes past/);
  });

  it('the CLI exits 2 on an unknown flag before running anything', () => {
    const r = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['test/sim/cli.ts', '--bogus', '3'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/sim: .*--bogus/);
    expect(r.stdout).not.toMatch(/seeds in/);
  });
});
