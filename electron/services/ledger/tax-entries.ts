// The ledger's read of the entries that move tokens for tax (fills, mints, redemptions), in
// ledger order, for the tax module: no module reads another module's tables, so the SQL on
// `entries` and `sync_state` lives here. Plain functions on a connection, because the tax
// worker reads the file through its own read-only connection (a Ledger lives on the main
// thread); Ledger.taxEntriesAfter() is the same read on the ledger's own connection. Read only:
// nothing here writes.
import type Database from 'better-sqlite3';

/** The entry types that move tokens for tax. */
export const TAX_ENTRY_TYPES = ['fill', 'mint', 'redemption'] as const;

/** A journal entry of a fill, mint or redemption: its event's own fields as JSON in `data` (see eventDetail). */
export interface TaxEntry {
  seq: number;
  event_id: string;
  type: (typeof TAX_ENTRY_TYPES)[number];
  time: string;
  data: string;
}

/** Where a read of the tax entries stopped, from the same read transaction as the entries. */
export interface TaxEntriesRead {
  /** The sync cursor: every event up to it was considered. */
  cursor_seq: number;
  /** Time of the last event at or before the cursor (null for an empty ledger). */
  cursor_time: string | null;
  /** Reversing entries in the journal: a new one means an entry already read was cancelled. */
  reversals: number;
}

const TYPES_SQL = TAX_ENTRY_TYPES.map((t) => `'${t}'`).join(', ');
/** Entries that a later reversing entry cancels are left out: the journal is append-only, so a correction is a pair, never an edit. */
const NOT_REVERSED = 'NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses = e.id)';

/**
 * Every tax entry that has a platform seq, oldest first, reversed ones left out. An iterator
 * over the open statement: the connection runs nothing else until it is done or closed.
 */
export function allTaxEntries(db: Database.Database): IterableIterator<TaxEntry> {
  return db
    .prepare(`SELECT e.seq, e.event_id, e.type, e.time, e.data FROM entries e WHERE e.type IN (${TYPES_SQL}) AND e.seq IS NOT NULL AND ${NOT_REVERSED} ORDER BY e.seq`)
    .iterate() as IterableIterator<TaxEntry>;
}

/** The last event the ledger holds (highest seq), or null when it has none. */
export function lastLedgerEvent(db: Database.Database): { seq: number; time: string } | null {
  return (db.prepare('SELECT seq, time FROM entries WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1').get() as { seq: number; time: string } | undefined) ?? null;
}

/** Reversing entries in the journal (a new one means an entry already read was cancelled). */
export function reversalCount(db: Database.Database): number {
  return db.prepare('SELECT COUNT(*) FROM entries WHERE reverses IS NOT NULL').pluck().get() as number;
}

/**
 * One consistent read (a single read transaction): `onEntry` for each tax entry after
 * `after_seq` up to the sync cursor, oldest first, reversed ones left out; then where it stopped.
 * An exception from `onEntry` ends the read (and the transaction) and propagates.
 */
export function readTaxEntriesAfter(db: Database.Database, after_seq: number, onEntry: (entry: TaxEntry) => void): TaxEntriesRead {
  if (!(Number.isSafeInteger(after_seq) && after_seq >= 0)) throw new RangeError(`after_seq must be a non-negative integer, not ${after_seq}`);
  return db.transaction((): TaxEntriesRead => {
    const cursor_seq = (db.prepare('SELECT cursor_seq FROM sync_state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
    const rows = db
      .prepare(`SELECT e.seq, e.event_id, e.type, e.time, e.data FROM entries e WHERE e.type IN (${TYPES_SQL}) AND e.seq > ? AND e.seq <= ? AND ${NOT_REVERSED} ORDER BY e.seq`)
      .iterate(after_seq, cursor_seq) as IterableIterator<TaxEntry>;
    for (const r of rows) onEntry(r);
    const cursor_time = (db.prepare('SELECT time FROM entries WHERE seq IS NOT NULL AND seq <= ? ORDER BY seq DESC LIMIT 1').pluck().get(cursor_seq) as string | undefined) ?? null;
    return { cursor_seq, cursor_time, reversals: reversalCount(db) };
  })();
}
