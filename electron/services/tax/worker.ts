// The tax worker (node:worker_threads): owns the live tax state (live.ts) so that a recompute
// over a million transactions never holds up the wallet API on the main thread. It reads the
// ledger file itself (a read-only connection, through the ledger module's reads in
// ledger/tax-entries.ts) for the whole history, and is then kept current by
// the committed batches the main thread forwards. Messages: worker-protocol.ts.
//
// Entry points: this file under tsx (development, tests), dist/electron/tax-worker.mjs when
// bundled (scripts/build-main.ts). worker-client.ts picks the one next to it.
import { parentPort } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import path from 'node:path';
import { openDbFile, useWalletDbKey } from '../db/cipher.js';
import { useSqliteNativeBinding } from '../native/sqlite-binding.js';
import { reversalCount } from '../ledger/tax-entries.js';
import { ledgerDataAsOf, readLedgerTax, LedgerTaxError } from './from-ledger.js';
import { LiveTax, NeedsFullRecompute } from './live.js';
import { buildReportFiles } from './report.js';
import { TaxInputError, type TaxTransaction } from './types.js';
import { zToWorker, type Answer, type AsOf, type FromWorker, type Question, type SummaryAnswer, type ToWorker, type ViewAnswer, type WorkerSettings } from './worker-protocol.js';

if (!parentPort) throw new Error('the tax worker runs in a worker thread');
const port = parentPort;

interface State {
  db: Database.Database;
  settings: WorkerSettings;
  live: LiveTax | null;
  /** Why there are no figures (a history the engine refuses), or null. */
  problem: Error | null;
  cursor_seq: number;
  cursor_time: string | null;
  reversals: number;
  /** Lots chosen by sell orders placed here, by client_order_id: their fills carry them (order_lots). */
  picks: Map<string, { id: string; quantity: string }[]>;
}
let st: State | null = null;

const post = (m: FromWorker): void => port.postMessage(m);

/** The wallet never refuses a disposal without lots under specific ID: FIFO, with a warning. */
const engineSettings = (s: State) => ({ ...s.settings, specific_without_lots: 'fifo' as const });

/** A fill of an order that chose its lots carries the choice to the engine. */
function withChoice(s: State, tx: TaxTransaction): TaxTransaction {
  const lots = tx.type === 'sell' && tx.order !== undefined ? s.picks.get(tx.order) : undefined;
  return lots ? { ...tx, order_lots: lots } : tx;
}

function asOf(s: State): AsOf {
  return { as_of_seq: s.cursor_seq, data_as_of: ledgerDataAsOf(s.cursor_seq, s.cursor_time), transactions: s.live?.count ?? 0 };
}

/** The reference path: every tax transaction of the ledger, through the engine from scratch. */
function rebuild(s: State): void {
  s.live = null;
  try {
    const snap = readLedgerTax(s.db);
    s.cursor_seq = snap.cursor_seq;
    s.cursor_time = snap.cursor_time;
    s.reversals = snap.reversals;
    s.live = LiveTax.build(snap.transactions.map((tx) => withChoice(s, tx)), engineSettings(s));
    s.problem = null;
  } catch (err) {
    if (!(err instanceof TaxInputError || err instanceof LedgerTaxError)) throw err;
    s.problem = err;
  }
}

/** Applies new transactions in ledger order; anything the live state cannot follow ends in a rebuild. */
function applyAll(s: State, txs: readonly TaxTransaction[]): void {
  for (const tx of txs) {
    if (!s.live) return rebuild(s); // a refused history: the new event may be what mends it
    try {
      s.live.apply(withChoice(s, tx));
    } catch (err) {
      if (err instanceof NeedsFullRecompute) return rebuild(s);
      if (!(err instanceof TaxInputError)) throw err;
      s.live = null;
      s.problem = err;
      return;
    }
  }
}

function reversals(s: State): number {
  return reversalCount(s.db);
}

/** Reads whatever the ledger file has after this state's cursor. Returns whether anything changed. */
function catchUp(s: State): boolean {
  if (reversals(s) !== s.reversals) {
    rebuild(s); // an entry already applied was cancelled
    return true;
  }
  let snap;
  try {
    snap = readLedgerTax(s.db, s.cursor_seq);
  } catch (err) {
    if (!(err instanceof LedgerTaxError)) throw err;
    s.live = null;
    s.problem = err;
    return true;
  }
  if (snap.cursor_seq <= s.cursor_seq) return false;
  const from = s.cursor_seq;
  applyAll(s, snap.transactions);
  if (s.cursor_seq === from) {
    s.cursor_seq = snap.cursor_seq;
    s.cursor_time = snap.cursor_time;
  }
  return true;
}

/** A committed batch. Returns whether the figures may have changed. */
function onEvents(s: State, m: Extract<ToWorker, { kind: 'events' }>): boolean {
  if (m.cursor_seq <= s.cursor_seq) return false; // already read from the ledger file
  const fresh = m.items.filter((i) => i.seq > s.cursor_seq);
  // A batch that does not continue where this state stands (one was missed), or a reversal: read the file.
  if ((fresh.length > 0 && (fresh[0] as { seq: number }).seq !== s.cursor_seq + 1) || reversals(s) !== s.reversals) return catchUp(s);
  const txs = fresh.flatMap((i) => (i.tx ? [i.tx] : []));
  const from = s.cursor_seq;
  applyAll(s, txs);
  if (s.cursor_seq === from) {
    s.cursor_seq = m.cursor_seq;
    s.cursor_time = m.cursor_time ?? s.cursor_time;
  }
  return txs.length > 0;
}

function onSettings(s: State, next: WorkerSettings): void {
  const prev = s.settings;
  s.settings = next;
  const same = (['mint_basis', 'wash_sale', 'digital_asset', 'filing_status'] as const).every((k) => prev[k] === next[k]);
  const appended = next.method_orders.length >= prev.method_orders.length && prev.method_orders.every((o, i) => JSON.stringify(o) === JSON.stringify(next.method_orders[i]));
  if (s.live && same && appended) {
    try {
      for (const o of next.method_orders.slice(prev.method_orders.length)) s.live.addMethodOrder(o);
      return;
    } catch (err) {
      if (!(err instanceof NeedsFullRecompute)) throw err;
    }
  }
  rebuild(s);
}

function summary(s: State, live: LiveTax, q: Extract<Question, { what: 'summary' }>): SummaryAnswer {
  const held = q.price ? live.heldLots(q.price, q.now, q.lots_max) : { lots: [], truncated: false };
  return { ...asOf(s), figures: live.year(q.year), lots: held.lots, lots_truncated: held.truncated, warnings: live.warnings(q.year) };
}

function view(s: State, hint: NonNullable<Extract<ToWorker, { kind: 'events' }>['view']>): ViewAnswer {
  try {
    if (!s.live) throw s.problem ?? new Error('the tax state is not built');
    return { ok: true, summary: summary(s, s.live, { what: 'summary', ...hint }), holdings: { ...asOf(s), groups: s.live.holdings() } };
  } catch (err) {
    if (!(err instanceof TaxInputError || err instanceof LedgerTaxError)) throw err;
    return { ok: false, as_of_seq: s.cursor_seq, problem: err.message };
  }
}

async function answer(s: State, q: Question): Promise<Answer> {
  if (!s.live) throw s.problem ?? new Error('the tax state is not built');
  const live = s.live;
  switch (q.what) {
    case 'summary':
      return summary(s, live, q);
    case 'holdings':
      return { ...asOf(s), groups: live.holdings() };
    case 'whatif':
      return live.whatIf(q.quantity, q.price, q.now, q.lots, q.fee);
    case 'export': {
      const data_as_of = ledgerDataAsOf(s.cursor_seq, s.cursor_time);
      const files = await buildReportFiles(live.fullYear(q.year, data_as_of), { data_as_of, generated_at: q.now });
      return { data_as_of, files: files.map((f) => ({ name: f.name, content: f.content })) };
    }
  }
}

async function handle(m: ToWorker): Promise<void> {
  if (m.kind === 'configure') {
    // A worker thread has its own module state: the main thread's binding choice comes in the message.
    // and so do the ledger's key and the binding (a worker thread has its own module state).
    useSqliteNativeBinding(m.native_binding);
    if (m.db_key_hex !== undefined) useWalletDbKey(path.dirname(m.ledger_path), Buffer.from(m.db_key_hex, 'hex'));
    const db = openDbFile(m.ledger_path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    st = { db, settings: m.settings, live: null, problem: null, cursor_seq: 0, cursor_time: null, reversals: 0, picks: new Map((m.order_lots ?? []).map((c) => [c.order, c.lots])) };
    rebuild(st);
    post({ kind: 'changed', as_of_seq: st.cursor_seq });
    return;
  }
  const s = st;
  if (!s) throw new Error(`tax worker: '${m.kind}' before 'configure'`);
  switch (m.kind) {
    case 'settings':
      onSettings(s, m.settings);
      break;
    case 'order_lots':
      s.picks.set(m.choice.order, m.choice.lots); // no fill of it can have been applied yet
      return;
    case 'events':
      if (!onEvents(s, m)) return;
      if (m.view) {
        post({ kind: 'changed', as_of_seq: s.cursor_seq, view: view(s, m.view) });
        return;
      }
      break;
    case 'sync':
      if (!catchUp(s)) return;
      break;
    case 'rebuild':
      rebuild(s);
      break;
    case 'ask':
      try {
        post({ kind: 'answer', id: m.id, ok: true, value: await answer(s, m.q) });
      } catch (err) {
        const known = err instanceof TaxInputError || err instanceof LedgerTaxError;
        post({ kind: 'answer', id: m.id, ok: false, code: known ? 'tax_input' : 'internal', message: (err as Error).message });
      }
      return;
  }
  post({ kind: 'changed', as_of_seq: s.cursor_seq });
}

// One message at a time, in arrival order (an export awaits its PDF).
let queue: Promise<void> = Promise.resolve();
port.on('message', (raw: unknown) => {
  const parsed = zToWorker.safeParse(raw);
  if (!parsed.success) throw new Error(`tax worker: bad message: ${parsed.error.issues[0]?.message}`);
  queue = queue.then(() => handle(parsed.data));
  queue.catch((err: unknown) => {
    // A fault here is a bug: end the worker loudly (the client sees 'error' and starts over).
    setImmediate(() => {
      throw err;
    });
  });
});
