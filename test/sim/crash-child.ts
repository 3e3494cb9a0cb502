// Crash-test child: ingests a deterministic event stream into a ledger and SIGKILLs itself
// after its K-th entry write (inside a transaction). Prebuilt by crash.ts into one CJS file
// so each spawn costs a plain `node` start.
//   node child.cjs --db PATH --seed S --count N --chunk C --kill-at K   (K = 0: never)
import { openLedger } from '../../electron/services/ledger/ledger.js';
import { generateStream } from './gen.js';

function arg(name: string): number | string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (v === undefined) throw new Error(`missing --${name}`);
  return name === 'db' ? v : Number(v);
}

const db = arg('db') as string;
const seed = arg('seed') as number;
const count = arg('count') as number;
const chunk = arg('chunk') as number;
const kill_at = arg('kill-at') as number;

const ledger = openLedger({
  path: db,
  on_entry_written: (n) => {
    if (n === kill_at) process.kill(process.pid, 'SIGKILL');
  },
});
const { events } = generateStream({ seed, count });
// Resume from the committed cursor, re-sending a few already-applied events (as a
// reconnecting sync would) to exercise idempotency.
let from = Math.max(0, ledger.cursorSeq() - 3);
while (from < events.length) {
  const r = ledger.ingest(events.slice(from, from + chunk));
  if (r.gap) throw new Error(`unexpected gap ${JSON.stringify(r.gap)}`);
  from += chunk;
}
ledger.close();
process.stdout.write(`done ${count}\n`);
