// Notifications: derived from the account events the ledger applied (fills, period close,
// redemptions) and from status changes the app reports (orders that expired before they
// could be sent or were sent after a reconnect, a sync failing for over a minute).
//
// Each event notifies once, also across a restart: a notification's key names its source
// and is unique in the table, and the events already considered are remembered by their
// seq (notify_cursor), in the same transaction. On the first start the history already in
// the ledger is taken as seen, and a catch-up batch with many events of a kind gives one
// summary, so opening the wallet never brings a storm of old fills.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AccountEvent } from '../../../shared/platform/events.js';
import {
  MarkReadRequest,
  NOTIFICATION_KINDS,
  NOTIFICATIONS_LIST_MAX,
  UpdateNotificationSettings,
  type NotificationKind,
  type NotificationList,
  type NotificationPushed,
  type NotificationSettings,
  type NotificationView,
} from '../../../shared/contract/notifications.js';
import { draftsFromEvents, type Draft } from './derive.js';
import { assert } from '../../../shared/assert.js';

/** Kept at most; the oldest read ones go first (they are derived, the ledger keeps the facts). */
export const NOTIFICATIONS_KEPT_MAX = 1000;
/** A sync that has not been online for this long is worth telling. */
export const SYNC_FAILING_AFTER_MS = 60_000;
/** Defaults: everything shown; system notifications for what happens while the user looks elsewhere. */
const DEFAULT_SYSTEM: Readonly<Record<NotificationKind, boolean>> = {
  fill: true, partial_fill: false, order_expired: true, queued_sent: true, period_close: true, redemption_done: false, sync_failing: true,
};

export interface AppliedBatch {
  events: readonly AccountEvent[];
  cursor_seq: number;
}

/** What the service needs of an order (the order service's view has these fields). */
export interface OrderLike {
  client_order_id: string;
  order_id: string | null;
  side: 'buy' | 'sell';
  quantity: string;
  state: string;
  reason: string | null;
  updated_at: string;
}

export interface NotificationServiceOptions {
  db: Database.Database;
  /** The ledger's cursor when the service first starts on this file: that history is not notified
   *  (nor are events timed before that first start, which a new install's catch-up brings). */
  initial_cursor_seq: number;
  /** The token's symbol for the wording (from the platform's instrument). */
  symbol: () => string;
  now_ms?: () => number;
  logger?: Logger;
}

interface Row { id: number; kind: NotificationKind; title: string; body: string; time_ms: number; created_ms: number; read_ms: number | null }

export function migrateNotifications(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS notifications (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      title TEXT NOT NULL,
      body TEXT NOT NULL,
      time_ms INTEGER NOT NULL,
      created_ms INTEGER NOT NULL,
      read_ms INTEGER
    ) STRICT;
    CREATE INDEX IF NOT EXISTS notifications_unread ON notifications (id) WHERE read_ms IS NULL;
    -- Keys handled without a notification (kind turned off): still never notified later.
    CREATE TABLE IF NOT EXISTS notification_keys_seen (key TEXT PRIMARY KEY) STRICT;
    -- seq: events at or below it were considered. since_ms: when this wallet first ran; events
    -- that happened before are history (a new install's first catch-up notifies nothing old).
    CREATE TABLE IF NOT EXISTS notify_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, since_ms INTEGER NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS notification_settings (kind TEXT PRIMARY KEY, show INTEGER NOT NULL, system INTEGER NOT NULL) STRICT;
  `);
}

export class NotificationService {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly listeners = new Set<(p: NotificationPushed) => void>();
  private readonly st;
  /** Orders seen queued while offline: sent later = "sent after reconnect". */
  private readonly queued_offline = new Set<string>();
  private failing_since: number | null = null;
  private failing_error: string | null = null;
  private failing_timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly opts: NotificationServiceOptions) {
    assert(Number.isSafeInteger(opts.initial_cursor_seq) && opts.initial_cursor_seq >= 0, `bad initial cursor ${opts.initial_cursor_seq}`);
    this.db = opts.db;
    this.now = opts.now_ms ?? (() => Date.now());
    migrateNotifications(this.db);
    this.db.prepare(`INSERT INTO notify_cursor (id, seq, since_ms) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`).run(opts.initial_cursor_seq, this.now());
    this.st = {
      cursor: this.db.prepare(`SELECT seq, since_ms FROM notify_cursor WHERE id = 1`),
      setCursor: this.db.prepare(`UPDATE notify_cursor SET seq = max(seq, ?) WHERE id = 1`),
      insert: this.db.prepare(`INSERT INTO notifications (key, kind, title, body, time_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`),
      seen: this.db.prepare(`SELECT 1 FROM notifications WHERE key = ? UNION ALL SELECT 1 FROM notification_keys_seen WHERE key = ?`).pluck(),
      markSeen: this.db.prepare(`INSERT INTO notification_keys_seen (key) VALUES (?) ON CONFLICT (key) DO NOTHING`),
      byId: this.db.prepare(`SELECT * FROM notifications WHERE id = ?`),
      list: this.db.prepare(`SELECT * FROM notifications ORDER BY id DESC LIMIT ?`),
      unread: this.db.prepare(`SELECT count(*) FROM notifications WHERE read_ms IS NULL`).pluck(),
      readOne: this.db.prepare(`UPDATE notifications SET read_ms = ? WHERE id = ? AND read_ms IS NULL`),
      readAll: this.db.prepare(`UPDATE notifications SET read_ms = ? WHERE read_ms IS NULL`),
      prune: this.db.prepare(`DELETE FROM notifications WHERE id IN (SELECT id FROM notifications ORDER BY read_ms IS NULL, id LIMIT max(0, (SELECT count(*) FROM notifications) - ?))`),
      settings: this.db.prepare(`SELECT kind, show, system FROM notification_settings`),
      putSetting: this.db.prepare(`INSERT INTO notification_settings (kind, show, system) VALUES (?, ?, ?) ON CONFLICT (kind) DO UPDATE SET show = excluded.show, system = excluded.system`),
    };
  }

  subscribe(listener: (p: NotificationPushed) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    if (this.failing_timer) clearTimeout(this.failing_timer);
    this.failing_timer = null;
  }

  /** Events the ledger committed. Events at or below the remembered cursor were considered already. */
  onLedgerApplied(batch: AppliedBatch): NotificationView[] {
    const { seq, since_ms } = this.st.cursor.get() as { seq: number; since_ms: number };
    const fresh = batch.events.filter((e) => e.seq > seq && Date.parse(e.time) >= since_ms);
    const drafts = fresh.length > 0 ? draftsFromEvents(fresh, this.opts.symbol()) : [];
    return this.record(drafts, batch.cursor_seq);
  }

  /** Orders that changed (the order service's views) and whether the wallet is online now. */
  onOrders(orders: readonly OrderLike[], online: boolean): NotificationView[] {
    const drafts: Draft[] = [];
    const sent: OrderLike[] = [];
    for (const o of orders) {
      if (o.state === 'queued' && !online) this.queued_offline.add(o.client_order_id);
      else if (this.queued_offline.has(o.client_order_id) && o.state !== 'queued' && o.state !== 'sending') {
        this.queued_offline.delete(o.client_order_id);
        if (o.order_id !== null) sent.push(o);
      }
      if (o.state === 'expired' && o.order_id === null) {
        this.queued_offline.delete(o.client_order_id);
        drafts.push({ key: `order_expired:${o.client_order_id}`, kind: 'order_expired', title: 'Order expired before it could be sent', body: `${o.side === 'buy' ? 'Buy' : 'Sell'} ${o.quantity} ${this.opts.symbol()}: ${o.reason ?? 'its expiry passed while the wallet was offline'}. It was never sent.`, time: o.updated_at });
      }
    }
    if (sent.length > 0) {
      drafts.push({
        key: `queued_sent:${sent.map((o) => o.client_order_id).sort().join(',')}`.slice(0, 500),
        kind: 'queued_sent',
        title: sent.length === 1 ? 'Queued order sent' : `${sent.length} queued orders sent`,
        body: `Back online: ${sent.map((o) => `${o.side} ${o.quantity} ${this.opts.symbol()}`).slice(0, 5).join(', ')}${sent.length > 5 ? ', …' : ''} went to the platform.`,
        time: new Date(this.now()).toISOString(),
      });
    }
    return this.record(drafts, null);
  }

  /** The connection state; not online for SYNC_FAILING_AFTER_MS gives one notification per outage. */
  syncStatus(s: { state: 'online' | 'offline' | 'syncing'; last_error: string | null }): void {
    if (this.closed) return;
    if (s.state === 'online') {
      this.failing_since = null;
      if (this.failing_timer) clearTimeout(this.failing_timer);
      this.failing_timer = null;
      return;
    }
    this.failing_error = s.last_error;
    if (this.failing_since !== null) return;
    const since = this.now();
    this.failing_since = since;
    this.failing_timer = setTimeout(() => {
      this.failing_timer = null;
      if (this.failing_since !== since || this.closed) return;
      this.record([{ key: `sync_failing:${since}`, kind: 'sync_failing', title: 'Sync is failing', body: `The wallet has not reached the platform for over a minute. ${this.failing_error ?? 'Retrying…'}`.slice(0, 500), time: new Date(this.now()).toISOString() }], null);
    }, SYNC_FAILING_AFTER_MS);
    this.failing_timer.unref?.();
  }

  list(limit = 50): NotificationList {
    assert(Number.isSafeInteger(limit) && limit > 0 && limit <= NOTIFICATIONS_LIST_MAX, `bad limit ${limit}`);
    return { notifications: (this.st.list.all(limit) as Row[]).map(view), unread: this.unread() };
  }

  markRead(raw: unknown): { unread: number } {
    const req = MarkReadRequest.parse(raw);
    const t = this.now();
    if ('all' in req) this.st.readAll.run(t);
    else this.db.transaction(() => req.ids.forEach((id) => this.st.readOne.run(t, id)))();
    return { unread: this.unread() };
  }

  settings(): NotificationSettings {
    const stored = new Map((this.st.settings.all() as { kind: string; show: number; system: number }[]).map((r) => [r.kind, r]));
    const kinds = Object.fromEntries(NOTIFICATION_KINDS.map((k) => {
      const r = stored.get(k);
      return [k, r ? { show: r.show === 1, system: r.system === 1 } : { show: true, system: DEFAULT_SYSTEM[k] }];
    })) as NotificationSettings['kinds'];
    return { kinds };
  }

  updateSettings(raw: unknown): NotificationSettings {
    const req = UpdateNotificationSettings.parse(raw);
    const cur = this.settings().kinds[req.kind];
    this.st.putSetting.run(req.kind, (req.show ?? cur.show) ? 1 : 0, (req.system ?? cur.system) ? 1 : 0);
    return this.settings();
  }

  private unread(): number {
    return this.st.unread.get() as number;
  }

  /** Writes the drafts not seen before and the new cursor in one transaction, then pushes them. */
  private record(drafts: readonly Draft[], cursor_seq: number | null): NotificationView[] {
    if (drafts.length === 0 && cursor_seq === null) return [];
    const kinds = this.settings().kinds;
    const created: number[] = [];
    const t = this.now();
    this.db.transaction(() => {
      for (const d of drafts) {
        if (this.st.seen.get(d.key, d.key) !== undefined) continue;
        if (!kinds[d.kind].show) {
          this.st.markSeen.run(d.key);
          continue;
        }
        const time_ms = Date.parse(d.time);
        const r = this.st.insert.run(d.key, d.kind, d.title.slice(0, 120), d.body.slice(0, 500), Number.isFinite(time_ms) ? time_ms : t, t);
        if (r.changes === 1) created.push(Number(r.lastInsertRowid));
      }
      if (cursor_seq !== null) this.st.setCursor.run(cursor_seq);
      if (created.length > 0) this.st.prune.run(NOTIFICATIONS_KEPT_MAX);
    })();
    const views = created.map((id) => this.st.byId.get(id) as Row | undefined).filter((r): r is Row => r !== undefined).map(view);
    const unread = this.unread();
    for (const n of views) {
      for (const l of this.listeners) {
        try {
          l({ notification: n, unread, system: kinds[n.kind].system });
        } catch (err) {
          this.opts.logger?.error({ err }, 'notification listener failed');
        }
      }
    }
    return views;
  }
}

function view(r: Row): NotificationView {
  return { id: r.id, kind: r.kind, title: r.title, body: r.body, time: new Date(r.time_ms).toISOString(), created_at: new Date(r.created_ms).toISOString(), read: r.read_ms !== null };
}
