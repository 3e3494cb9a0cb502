import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { PlatformClient, PlatformStream } from '../../electron/services/platform-client/index.js';
import { openLedger, type Ledger } from '../../electron/services/ledger/index.js';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../electron/services/sync/index.js';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sync-test-'));
}

export async function platform(opts: { db_path?: string; port?: number } = {}): Promise<RunningPlatform> {
  return startPlatform({
    port: opts.port ?? 0,
    db_path: opts.db_path ?? ':memory:',
    seed_demo: true,
    backfill_days: 1,
    rate_limit: false,
    ws: { heartbeat_ms: 100 },
  });
}

export interface Rig {
  ledger: Ledger;
  engine: SyncEngine;
  client: PlatformClient;
  close(): Promise<void>;
}

/** A ledger and a sync engine pointed at `base_url` with the demo account's credentials. */
export function rig(
  base_url: string,
  credentials: { key_id: string; secret: string },
  ledger_path: string,
  extra: Partial<SyncEngineOptions> = {},
  client_timeout_ms = 2000,
): Rig {
  const ledger = openLedger({ path: ledger_path });
  const client = new PlatformClient({ base_url, credentials, timeout_ms: client_timeout_ms });
  const engine = createSyncEngine({
    ledger,
    client,
    stream_factory: () => new PlatformStream({ base_url, credentials, channels: ['events'], timeout_ms: 2000 }),
    heartbeat_timeout_ms: 1000,
    backoff_initial_ms: 20,
    backoff_max_ms: 200,
    candle_intervals: ['1m'],
    ...extra,
  });
  return {
    ledger,
    engine,
    client,
    async close() {
      await engine.stop();
      ledger.close();
    },
  };
}

export async function until(cond: () => boolean | Promise<boolean>, timeout_ms = 10_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeout_ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
