// One ledger file per data folder (dataPaths().ledger_db, where the CLIs look). It follows
// one platform account; when the app is pointed at another platform or account (or the
// demo platform is created anew), the old ledger is archived, never mixed or deleted.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { allowRecreate } from '../services/db/file.js';

export function prepareLedgerFile(ledger_db: string, identity: string, now: Date = new Date()): { archived_to: string | null } {
  const id_file = `${ledger_db}.identity`;
  const previous = existsSync(id_file) ? readFileSync(id_file, 'utf8') : null;
  let archived_to: string | null = null;
  if (existsSync(ledger_db) && previous !== identity) {
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    archived_to = ledger_db.replace(/\.db$/, '') + `-archived-${stamp}.db`;
    // Recorded first: a new ledger.db is expected from here on, not a lost one.
    allowRecreate(ledger_db, now);
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(ledger_db + suffix)) renameSync(ledger_db + suffix, archived_to + suffix);
    }
    // Which platform and key the archive followed: decides whether its unsent work may be sent with the new key (stranded.ts).
    writeFileSync(`${archived_to}.identity`, previous ?? UNKNOWN_IDENTITY, { mode: 0o600 });
  }
  if (previous !== identity) writeFileSync(id_file, identity, { mode: 0o600 });
  return { archived_to };
}

const UNKNOWN_IDENTITY = '(unknown)';

/** The platform part of an identity: the origin, or "demo <instance id>" for the embedded demo. */
export function platformOf(identity: string): string {
  const parts = identity.split(' ');
  return parts[0] === 'demo' ? parts.slice(0, 2).join(' ') : (parts[0] ?? UNKNOWN_IDENTITY);
}

/** The identity an archived ledger followed ("(unknown)" when its identity file was lost). */
export function readArchivedIdentity(archived_db: string): string {
  const f = `${archived_db}.identity`;
  return existsSync(f) ? readFileSync(f, 'utf8') : UNKNOWN_IDENTITY;
}
