// Reconnect policy: exponential backoff (with jitter injected as its maximum) up to the cap.
// Only lower bounds on delays are asserted (timers never fire early), never upper bounds.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../electron/services/ledger/index.js';
import { createSyncEngine, type SyncStatus, type SyncStream } from '../../electron/services/sync/index.js';
import { tempDir, until } from './helpers.js';

describe('reconnect backoff', () => {
  it('waits initial × 2^n between attempts, capped, and reports offline with the error', async () => {
    const ledger = openLedger({ path: path.join(tempDir(), 'ledger.db') });
    const calls: number[] = [];
    const fail = async (): Promise<never> => {
      calls.push(performance.now());
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1'), { code: 'network_error' });
    };
    const states: SyncStatus[] = [];
    const engine = createSyncEngine({
      ledger,
      client: { getEvents: fail, getBalances: fail, getCandles: fail, getTrades: fail },
      stream_factory: () => ({}) as SyncStream,
      backoff_initial_ms: 20,
      backoff_max_ms: 80,
      random: () => 1, // jitter at its top: delay = base
    });
    engine.onStatus((s) => states.push(s));
    engine.start();
    await until(() => calls.length >= 6, 10_000, 'six attempts');
    await engine.stop();
    expect(engine.status().state).toBe('offline');
    ledger.close();
    const gaps = calls.slice(1).map((t, i) => t - (calls[i] as number));
    const expected = [20, 40, 80, 80, 80];
    expected.forEach((ms, i) => expect(gaps[i]).toBeGreaterThanOrEqual(ms - 2));
    const offline = states.find((s) => s.state === 'offline' && s.last_error !== null);
    expect(offline?.last_error).toMatch(/network_error: connect ECONNREFUSED/);
  });
});
