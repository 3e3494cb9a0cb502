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
  }
  if (previous !== identity) writeFileSync(id_file, identity, { mode: 0o600 });
  return { archived_to };
}
