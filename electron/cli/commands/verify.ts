// `npm run wallet -- verify [--data-dir DIR] [--json]`: checks every ledger invariant
// (entries balance per commodity, sequence continuity, cached balances = journal replay,
// no orphans, no negative own assets) and prints what is wrong, plus quarantined events
// and open reconciliation mismatches. Exit code: 0 all invariants hold, 1 problems, 2 usage.
import fs from 'node:fs';
import { formatVerifyReport, openLedger } from '../../services/ledger/index.js';
import { dataPaths, defaultDataDir } from '../../services/paths.js';

export const summary = 'check every ledger invariant and print what is wrong';

const USAGE = 'usage: npm run wallet -- verify [--data-dir DIR] [--json]\n';
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
  const ledger = openLedger({ path: file });
  try {
    const report = ledger.verify();
    const quarantined = report.quarantined > 0 ? ledger.quarantined(LIST_MAX) : [];
    const mismatches = report.open_mismatches > 0 ? ledger.mismatches(true).slice(0, LIST_MAX) : [];
    if (json) process.stdout.write(JSON.stringify({ file, ...report, quarantined_events: quarantined, mismatches }) + '\n');
    else process.stdout.write(`${file}\n` + formatVerifyReport(report, quarantined, mismatches));
    return report.ok ? 0 : 1;
  } finally {
    ledger.close();
  }
}
