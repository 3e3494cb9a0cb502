// The PostgreSQL engine (work in progress, docs/PLATFORM.md "PostgreSQL"): so far its schema
// migration. The schema is schema.ts's one definition in PostgreSQL's dialect. Several API
// processes may start at once against one database: the migration runs in one transaction
// under a transaction-scoped advisory lock, so exactly one of them creates the tables and
// the others find them made.
import type pg from 'pg';
import { postgresDdl, SCHEMA_VERSION } from './schema.js';

/** Advisory lock key of the schema migration (any constant unique to this application). */
const MIGRATION_LOCK_KEY = 0x636f6d70; // 'comp'

export async function migratePostgres(pool: pg.Pool): Promise<void> {
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
