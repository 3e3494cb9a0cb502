// The platform's storage engines as test parameters: the same suites run against SQLite
// (in memory) and PostgreSQL (a throwaway cluster, one fresh schema per core). Without
// PostgreSQL its suites are reported as skipped with the reason, never passed.
//
// Every PostgreSQL core a test makes is checked after the test: once its flushes landed,
// PostgreSQL must hold exactly what the writer's working copy holds, table by table. So a
// suite written for the core also tests the PostgreSQL journal on every change it makes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect } from 'vitest';
import { PlatformCore } from '../../platform/core/core.js';
import { tableColumns, TABLE_ORDER } from '../../platform/core/pg-journal.js';
import { openPool } from '../../platform/core/pg-connect.js';
import { PgStore } from '../../platform/core/store-pg.js';
import type { CoreOptions } from '../../platform/core/types.js';
import { startPlatform, type RunningPlatform, type StartPlatformOptions } from '../../platform/index.js';
import { findPgBin, startPgCluster, type PgCluster } from './pg-cluster.js';

export type CoreSetup = Omit<CoreOptions, 'db_path' | 'store' | 'sqlite_options'>;
export type PlatformSetup = Omit<StartPlatformOptions, 'db_path' | 'database_url'>;

/** Where a store lives, so that a test can stop a platform and start another on the same data. */
export interface StoreLocation {
  db_path?: string;
  database_url?: string;
  secrets_key_file?: string;
}

export interface Engine {
  name: 'sqlite' | 'postgres';
  /** Why this engine's suites are skipped here; '' when they run. */
  skip: string;
  core(opts?: CoreSetup): Promise<PlatformCore>;
  /** A platform on a fresh store, or on `at` (made by location()) to restart on the same data. */
  platform(opts?: PlatformSetup, at?: StoreLocation): Promise<RunningPlatform>;
  /** A new, empty, persistent store location. */
  location(): Promise<StoreLocation>;
}

let cluster: Promise<PgCluster> | null = null;
const dirs: string[] = [];
/** A temporary folder (secrets keys, SQLite files), removed after the test file. */
export const keyDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'engine-keys-'));
  dirs.push(d);
  return d;
};

/** The shared cluster of this test file, started on first use. */
export function pgCluster(): Promise<PgCluster> {
  cluster ??= startPgCluster();
  return cluster;
}

/** A connection string whose tables live in a new, empty schema (one database, many isolated stores). */
export async function freshSchemaUrl(base_url: string): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: base_url });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await c.end();
  }
  const u = new URL(base_url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

type Dump = Map<string, unknown[][]>;

function dumpWorkingCopy(store: PgStore): Dump {
  const out: Dump = new Map();
  for (const table of TABLE_ORDER) {
    const order = tableColumns(table).join(', ');
    out.set(table, store.db.prepare(`SELECT ${order} FROM ${table} ORDER BY ${order}`).raw().all() as unknown[][]);
  }
  return out;
}

/** PostgreSQL holds exactly the rows of the working copy's dump (every table, every column). */
export async function expectMirrored(url: string, ours: Dump): Promise<void> {
  const pool = openPool(url, 1);
  try {
    for (const table of TABLE_ORDER) {
      const order = tableColumns(table).join(', ');
      const theirs = (await pool.query<unknown[]>({ text: `SELECT ${order} FROM ${table} ORDER BY ${order}`, rowMode: 'array' })).rows;
      expect(theirs, `PostgreSQL table ${table} differs from the working copy`).toEqual(ours.get(table));
    }
  } finally {
    await pool.end();
  }
}

interface Made {
  store: PgStore;
  /** Cores made by engine.core() are closed after their test; platforms by their test. */
  closeAfterTest?: () => Promise<void>;
}
const made: Made[] = [];

/** Records a PostgreSQL store; when it closes, PostgreSQL must hold exactly its final working copy. */
function track(url: string, store: PgStore, closeAfterTest?: () => Promise<void>): void {
  const close = store.close.bind(store);
  store.close = async () => {
    if (store.failed) return close();
    await store.durable();
    const dump = dumpWorkingCopy(store);
    await close();
    await expectMirrored(url, dump);
  };
  made.push({ store, ...(closeAfterTest ? { closeAfterTest } : {}) });
}

/** Closes (and so checks) this test's cores, or with `all` every store still open. */
async function closeMade(all: boolean): Promise<void> {
  for (const m of made.splice(0)) {
    if (!m.store.db.open) continue;
    if (all || m.closeAfterTest) await (m.closeAfterTest ?? (() => m.store.close()))();
    else made.push(m); // a platform the suite still uses
  }
}

const sqlite: Engine = {
  name: 'sqlite',
  skip: '',
  core: async (opts = {}) => new PlatformCore({ ...opts, db_path: ':memory:' }),
  platform: (opts = {}, at) => startPlatform({ ...opts, ...(at ?? { db_path: ':memory:' }) }),
  location: async () => ({ db_path: path.join(keyDir(), 'platform.db') }),
};

const found = findPgBin();
const postgres: Engine = {
  name: 'postgres',
  skip: 'missing' in found ? found.missing : '',
  core: async (opts = {}) => {
    const url = await freshSchemaUrl((await pgCluster()).url);
    const store = await PgStore.open(url);
    const core = new PlatformCore({ secrets_key_file: path.join(keyDir(), 'key'), ...opts, store });
    track(url, store, async () => core.close());
    return core;
  },
  platform: async (opts = {}, at) => {
    const loc = at ?? (await postgres.location());
    const p = await startPlatform({ ...opts, ...loc });
    track(loc.database_url!, p.core.store as PgStore);
    return p;
  },
  location: async () => ({ database_url: await freshSchemaUrl((await pgCluster()).url), secrets_key_file: path.join(keyDir(), 'key') }),
};

export const ENGINES: Engine[] = [sqlite, postgres];

// Once per test file: whatever is still open is closed and checked, and the cluster stopped.
afterAll(async () => {
  await closeMade(true);
  const c = cluster;
  cluster = null;
  await (await c)?.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}, 60_000);

/** Runs `suite` once per engine, each in its own describe titled with the engine (and why it is skipped). */
export function describeEngines(title: string, suite: (engine: Engine) => void): void {
  for (const engine of ENGINES) {
    describe.skipIf(engine.skip !== '')(`${title} [${engine.name}]${engine.skip ? ` (skipped: ${engine.skip})` : ''}`, () => {
      if (engine.name === 'postgres') afterEach(() => closeMade(false), 60_000);
      suite(engine);
    });
  }
}
