// Migration crash child: migrates a wallet database the way the app does at start
// (migrateWalletDb: integrity check, verified backup, one transaction, check) and SIGKILLs
// itself at its K-th fault point. Prints `ready` before it starts (the parent may kill it
// on a timer from there) and `done POINTS` at the end. Bundled by migrate-crash.ts.
//   node child.cjs --db PATH --kill-at K [--key HEX]   (K = 0: never; a key: the folder is encrypted,
//   so a plain file is encrypted first, after its own verified backup)
import path from 'node:path';
import { migrateWalletDb } from '../../electron/services/db/migrate-file.js';
import { useWalletDbKey } from '../../electron/services/db/cipher.js';

const at = (name: string) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const db = at('db');
const kill_at = Number(at('kill-at'));
if (!db || !Number.isInteger(kill_at)) throw new Error('usage: child.cjs --db PATH --kill-at K [--key HEX]');
if (process.argv.includes('--key')) useWalletDbKey(path.dirname(db), Buffer.from(at('key') ?? '', 'hex'));

let points = 0;
process.stdout.write('ready\n');
migrateWalletDb(db, {
  fault: () => {
    points += 1;
    if (points === kill_at) process.kill(process.pid, 'SIGKILL');
  },
}).then(
  () => process.stdout.write(`done ${points}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
