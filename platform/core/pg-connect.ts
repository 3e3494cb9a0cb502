// PostgreSQL connections of the platform (store-pg.ts, the writer; http/reader.ts, readers):
// the connection string's checks, pools that return BIGINT as exact numbers, the schema
// migration and the writer lock.
import pg from 'pg';
import { PlatformError } from './errors.js';
import { postgresDdl, SCHEMA_VERSION } from './schema.js';
import { assert } from './units.js';

/** Advisory lock key of the schema migration (any constant unique to this application). */
const MIGRATION_LOCK_KEY = 0x636f6d70; // 'comp'
/** Session advisory lock the one writer holds for its lifetime ('cmpw'), with the schema's hash
 *  as its second key: one writer per store, and stores may share a database in their own schemas. */
export const WRITER_LOCK_KEY = 0x636d7077;
/** How long a starting writer waits for the lock by default (its predecessor's session ending). */
export const WRITER_LOCK_WAIT_MS = 10_000;
/** A flush statement running longer than this fails the flush (and stops the writer) instead of hanging every answer. */
const STATEMENT_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 10_000;
const PG_INT8_OID = 20;

export async function migratePostgres(pool: pg.Pool): Promise<void> {
  // Several API processes may start at once against one database: the migration runs in one
  // transaction under a transaction-scoped advisory lock, so exactly one of them creates the
  // tables and the others find them made.
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(postgresDdl());
    const row = await client.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`);
    if (row.rows.length === 0) {
      await client.query(`INSERT INTO meta (key, value) VALUES ('schema_version', $1)`, [String(SCHEMA_VERSION)]);
    } else if (Number(row.rows[0]!.value) !== SCHEMA_VERSION) {
      throw new Error(`platform db schema ${row.rows[0]!.value}, expected ${SCHEMA_VERSION}`);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** True when `db` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** Checks a connection string, with an error that says what is wrong (never echoing a password). */
export function validatePostgresUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('the PostgreSQL connection string is not a URL (expected postgres://user[:password]@host[:port]/database)');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error(`the connection string must start with postgres:// or postgresql:// (got ${u.protocol}//)`);
  if (u.hostname === '' && !u.searchParams.has('host')) throw new Error('the PostgreSQL connection string names no host');
  if (u.port !== '' && !(Number(u.port) >= 1 && Number(u.port) <= 65535)) throw new Error(`the PostgreSQL port ${u.port} is out of range`);
  if (u.pathname.length <= 1) throw new Error('the PostgreSQL connection string names no database (…/database)');
}

/** bigint columns arrive as exact JavaScript numbers; anything beyond 2^53 is a bug, not a rounding. */
function parseInt8(text: string): number {
  const n = Number(text);
  assert(Number.isSafeInteger(n), `bigint ${text} beyond the safe integer range`);
  return n;
}

const exactTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === PG_INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A flush that writes events also calls `pg_notify(EVENTS_NOTIFY_CHANNEL, current_schema())`
 * in its own statement (pg-journal.ts), delivered at its commit; read API processes LISTEN
 * and read the new events by num. The channel is per database, so the payload names the
 * schema the events are in.
 */
export const EVENTS_NOTIFY_CHANNEL = 'platform_events';

/** One connection of its own (a LISTEN session), with the pool's types and timeouts. */
export function openClient(url: string): pg.Client {
  validatePostgresUrl(url);
  return new pg.Client({ connectionString: url, types: exactTypes, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
}

export function openPool(url: string, max = 4): pg.Pool {
  validatePostgresUrl(url);
  const pool = new pg.Pool({ connectionString: url, max, types: exactTypes, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, statement_timeout: STATEMENT_TIMEOUT_MS });
  // An idle client whose server went away is reported here; without a listener pg throws it
  // as an uncaught exception. The next query on the pool fails and the store fails stop.
  pool.on('error', () => undefined);
  return pool;
}

export function storeUnavailable(cause: unknown): PlatformError {
  return new PlatformError(503, 'store_unavailable', `the platform's database write failed; the writer stopped (${(cause as Error).message.slice(0, 200)}); retry later with the same client_order_id or request_id`);
}

/**
 * Waits up to wait_ms for the writer lock. A restarted writer usually finds its predecessor's
 * session still open for a moment (PostgreSQL notices a killed client's socket shortly after),
 * so failover waits instead of refusing at once.
 */
export async function takeWriterLock(lock: pg.PoolClient, wait_ms: number): Promise<boolean> {
  if (wait_ms === 0) {
    return (await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS ok', [WRITER_LOCK_KEY])).rows[0]!.ok;
  }
  // lock_timeout ends the wait; the statement timeout must not end it first.
  await lock.query(`SET lock_timeout = ${wait_ms}`);
  await lock.query(`SET statement_timeout = ${wait_ms + STATEMENT_TIMEOUT_MS}`);
  try {
    await lock.query('SELECT pg_advisory_lock($1, hashtext(current_schema()))', [WRITER_LOCK_KEY]);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === '55P03') return false; // lock_not_available: the timeout
    throw e;
  } finally {
    await lock.query('RESET lock_timeout');
    await lock.query(`SET statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
  }
}
