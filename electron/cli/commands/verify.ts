// `npm run wallet -- verify [--data-dir DIR] [--json]`: checks every ledger invariant
// (entries balance per commodity, sequence continuity, cached balances = journal replay,
// no orphans, no negative own assets) and prints what is wrong, plus quarantined events
// and open reconciliation mismatches. Exit code: 0 all invariants hold, 1 problems, 2 usage.
// Read-only: SQLite's full integrity_check on the file, never a migration or a write; an
// empty, truncated or damaged file is reported by name and left as it is.
import { PASSPHRASE_ENV, unlockLedgerForCommand } from '../../app/ledger-key.js';
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import { formatVerifyReport, openLedger, LATEST_VERSION, type Mismatch, type QuarantineRow, type VerifyReport } from '../../services/ledger/index.js';
import { asFileError, integrityProblems, migratedCopy, openWalletDbReadOnly } from '../../services/db/open.js';
import { WalletFileError } from '../../services/db/file.js';
import { dataPaths, defaultDataDir } from '../../services/paths.js';

export const summary = 'check every ledger invariant and print what is wrong';

const USAGE = `usage: npm run wallet -- verify [--data-dir DIR] [--json]\n  (an encrypted ledger: its key from the key file, or the passphrase in ${PASSPHRASE_ENV})\n`;
const LIST_MAX = 20;

export async function run(argv: string[]): Promise<number> {
  let data_dir = defaultDataDir();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data-dir') {
      const v = argv[++i];
      if (!v) {
        process.stderr.write(`--data-dir needs a folder\n${USAGE}`);
        return 2;
      }
      data_dir = v;
    } else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else {
      process.stderr.write(`unknown option ${a}\n${USAGE}`);
      return 2;
    }
  }
  const file = dataPaths(data_dir).ledger_db;
  if (!fs.existsSync(file)) {
    process.stderr.write(`no ledger at ${file} (sync once, or pass --data-dir)\n`);
    return 2;
  }
  let checked: { report: VerifyReport; quarantined: QuarantineRow[]; mismatches: Mismatch[]; migrated_from: number | null };
  try {
    await unlockLedgerForCommand(data_dir);
    checked = check(file);
  } catch (err) {
    if (!(err instanceof WalletFileError)) throw err;
    // Empty, truncated, not SQLite, damaged: said plainly, and the file is left as it is.
    if (json) process.stdout.write(JSON.stringify({ file, ok: false, error: { problem: err.problem, message: err.message } }) + '\n');
    else process.stderr.write(`${err.message}\n`);
    return 1;
  }
  const { report, quarantined, mismatches, migrated_from } = checked;
  const note = migrated_from === null ? '' : `(schema version ${migrated_from}: checked as this app reads it, the file itself was not migrated)\n`;
  if (json) process.stdout.write(JSON.stringify({ file, ...report, migrated_from, quarantined_events: quarantined, mismatches }) + '\n');
  else process.stdout.write(`${file}\n${note}` + formatVerifyReport(report, quarantined, mismatches));
  return report.ok ? 0 : 1;
}

/** Read-only: the file is never created, migrated or written; an older schema is checked in a migrated in-memory copy. */
function check(file: string) {
  const ro = openWalletDbReadOnly(file);
  const { db, version } = ro;
  let copy: Database.Database | null = null;
  try {
    const file_integrity = integrityProblems(db, LIST_MAX);
    // A damaged file is reported as SQLite found it; reading its tables could stop half-way.
    if (file_integrity.length > 0) throw new WalletFileError(file, 'corrupt', `SQLite integrity_check failed; the file was not changed. Restore it from a backup.\n  ${file_integrity.join('\n  ')}`);
    copy = version < LATEST_VERSION ? migratedCopy(db) : null;
    const ledger = openLedger({ path: file, database: copy ?? db });
    const report = ledger.verify();
    const quarantined = report.quarantined > 0 ? ledger.quarantined(LIST_MAX) : [];
    const mismatches = report.open_mismatches > 0 ? ledger.mismatches(true).slice(0, LIST_MAX) : [];
    return { report, quarantined, mismatches, migrated_from: copy ? version : null };
  } catch (err) {
    throw asFileError(file, err);
  } finally {
    copy?.close();
    ro.close();
  }
}
