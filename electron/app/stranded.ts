// Work left in archived ledgers (issue 13, "nothing stranded"). When the app follows another
// platform account or API key, the old ledger is archived (ledger-file.ts) with the orders it
// had queued and the redemptions still waiting for an answer. Each archive in the data folder
// is looked through once; what it still had to do is listed here until the user chooses:
// send it with the new key (only for the same platform account, with the same id so the
// platform applies it at most once) or cancel it (nothing is sent).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { STRANDED_LIST_MAX, type ResolveStrandedInput, type StrandedItem, type StrandedList } from '../../shared/contract/stranded.js';
import { OrderRequest } from '../../shared/platform/api.js';
import { WalletApiError } from '../../shared/contract/wallet-api.js';
import { LATEST_VERSION } from '../services/db/migrations.js';
import { migratedCopy, openWalletDbReadOnly } from '../services/db/open.js';
import { openLedger } from '../services/ledger/index.js';
import { unsentOrdersIn, type OrderService } from '../services/orders/index.js';
import { unansweredRedemptionsIn, type ComputeService } from '../services/compute/index.js';
import { platformOf, readArchivedIdentity } from './ledger-file.js';

export interface StrandedDeps {
  db: Database.Database;
  data_dir: string;
  /** This ledger's platform identity (ledger-file.ts) and account (known after the first sync). */
  identity: string;
  account_id: () => string | null;
  orders: OrderService | null;
  compute: ComputeService | null;
  logger?: Logger;
  now_ms?: () => number;
}

interface Row {
  kind: 'order' | 'redemption';
  id: string;
  summary: string;
  state_when_archived: string;
  payload: string;
  archived_file: string;
  archived_platform: string;
  archived_account_id: string | null;
  archived_ms: number;
  status: 'waiting' | 'sent' | 'canceled';
  resolved_ms: number | null;
}

const ARCHIVE_NAME = /^ledger-archived-.*\.db$/;

export class StrandedWork {
  private readonly now: () => number;

  constructor(private readonly d: StrandedDeps) {
    this.now = d.now_ms ?? (() => Date.now());
  }

  /** Looks through every archived ledger in the data folder not looked through yet. Returns items found. */
  collect(): number {
    let found = 0;
    for (const name of readdirSync(this.d.data_dir).filter((f) => ARCHIVE_NAME.test(f)).sort()) {
      const file = path.join(this.d.data_dir, name);
      if (this.d.db.prepare('SELECT 1 FROM stranded_sources WHERE file = ?').get(name) !== undefined) continue;
      try {
        found += this.collectFrom(file, name);
      } catch (err) {
        // Never silent: the archive stays unscanned and is tried again at the next start.
        this.d.logger?.error({ file, err }, 'could not look through an archived ledger for unsent orders and redemptions');
      }
    }
    if (found > 0) this.d.logger?.warn({ found }, 'orders or redemptions left in an archived ledger wait for the user to send or cancel them');
    return found;
  }

  private collectFrom(file: string, name: string): number {
    const ro = openWalletDbReadOnly(file);
    const copy = ro.version < LATEST_VERSION ? migratedCopy(ro.db) : null;
    try {
      const db = copy ?? ro.db;
      const archived_account = openLedger({ path: file, database: db }).accountId();
      const archived_platform = archivedPlatformOf(name, this.d.data_dir);
      const archived_ms = this.now();
      const insert = this.d.db.prepare(
        `INSERT OR IGNORE INTO stranded (kind, id, summary, state_when_archived, payload, archived_file, archived_platform, archived_account_id, archived_ms, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting')`,
      );
      let n = 0;
      this.d.db.transaction(() => {
        for (const o of unsentOrdersIn(db, STRANDED_LIST_MAX)) {
          const r = o.request;
          const summary = `${r.side} ${r.quantity} @ ${r.price ?? r.protection_price} (${r.type})`;
          n += insert.run('order', o.client_order_id, summary, o.state, JSON.stringify({ request: r, deadline_ms: o.deadline_ms }), name, archived_platform, archived_account, archived_ms).changes;
        }
        for (const red of unansweredRedemptionsIn(db, STRANDED_LIST_MAX)) {
          n += insert.run('redemption', red.request_id, `redeem ${red.tokens} tokens`, 'pending', JSON.stringify({ tokens: red.tokens }), name, archived_platform, archived_account, archived_ms).changes;
        }
        this.d.db.prepare('INSERT INTO stranded_sources (file, scanned_ms) VALUES (?, ?)').run(name, archived_ms);
      })();
      return n;
    } finally {
      copy?.close();
      ro.close();
    }
  }

  list(): StrandedList {
    const rows = this.d.db.prepare('SELECT * FROM stranded ORDER BY archived_ms DESC, kind, id LIMIT ?').all(STRANDED_LIST_MAX) as Row[];
    const waiting = rows.filter((r) => r.status === 'waiting');
    const blocked = waiting.length > 0 ? this.sendBlocked(waiting[0]!) : null;
    return { items: rows.map(view), waiting: waiting.length, send_allowed: waiting.length > 0 && blocked === null, send_blocked_reason: blocked };
  }

  /** Why "send" is refused for this item now, or null. */
  private sendBlocked(row: Row): string | null {
    if (row.archived_platform !== platformOf(this.d.identity)) return 'The wallet now follows another platform: items from the archived ledger can only be canceled.';
    const account = this.d.account_id();
    if (account === null) return 'Waiting for the first sync to learn which account the new key belongs to.';
    if (row.archived_account_id !== account) return 'The new key belongs to another account: items from the archived ledger can only be canceled.';
    return null;
  }

  async resolve(input: ResolveStrandedInput): Promise<StrandedItem> {
    const row = this.d.db.prepare('SELECT * FROM stranded WHERE kind = ? AND id = ?').get(input.kind, input.id) as Row | undefined;
    if (!row) throw new WalletApiError('not_found', `no ${input.kind} ${input.id} from an archived ledger`);
    if (row.status !== 'waiting') throw new WalletApiError('already_resolved', `this ${input.kind} was already ${row.status}`);
    if (input.action === 'send') await this.send(row);
    this.d.db.prepare('UPDATE stranded SET status = ?, resolved_ms = ? WHERE kind = ? AND id = ?').run(input.action === 'send' ? 'sent' : 'canceled', this.now(), row.kind, row.id);
    return view(this.d.db.prepare('SELECT * FROM stranded WHERE kind = ? AND id = ?').get(row.kind, row.id) as Row);
  }

  private async send(row: Row): Promise<void> {
    const blocked = this.sendBlocked(row);
    if (blocked) throw new WalletApiError('send_not_allowed', blocked);
    if (row.kind === 'order') {
      if (!this.d.orders) throw new WalletApiError('not_connected', 'Sending needs a platform API key.');
      const p = JSON.parse(row.payload) as { request: unknown; deadline_ms: number };
      this.d.orders.requeue(OrderRequest.parse(p.request), p.deadline_ms);
    } else {
      if (!this.d.compute) throw new WalletApiError('not_connected', 'Sending needs a platform API key.');
      await this.d.compute.resume(row.id, (JSON.parse(row.payload) as { tokens: string }).tokens);
    }
  }

  /** Items still waiting for a choice (the CLI and the start-up log say so). */
  waitingCount(): number {
    return this.d.db.prepare(`SELECT count(*) FROM stranded WHERE status = 'waiting'`).pluck().get() as number;
  }
}

function archivedPlatformOf(archive_name: string, data_dir: string): string {
  return platformOf(readArchivedIdentity(path.join(data_dir, archive_name)));
}

function view(r: Row): StrandedItem {
  return {
    kind: r.kind,
    id: r.id,
    summary: r.summary,
    state_when_archived: r.state_when_archived,
    archived_file: r.archived_file,
    archived_at: new Date(r.archived_ms).toISOString(),
    status: r.status,
    resolved_at: r.resolved_ms === null ? null : new Date(r.resolved_ms).toISOString(),
  };
}

/** Unsent orders and unanswered redemptions in a ledger file (read-only): what archiving it would leave waiting. */
export function unsentWorkIn(ledger_file: string): { orders: number; redemptions: number } {
  const ro = openWalletDbReadOnly(ledger_file);
  const copy = ro.version < LATEST_VERSION ? migratedCopy(ro.db) : null;
  try {
    const db = copy ?? ro.db;
    return { orders: unsentOrdersIn(db, STRANDED_LIST_MAX).length, redemptions: unansweredRedemptionsIn(db, STRANDED_LIST_MAX).length };
  } finally {
    copy?.close();
    ro.close();
  }
}
