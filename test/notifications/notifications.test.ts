// Notifications: each event notifies once, also across a restart (same file, new process
// state), the history already in the ledger at the first start is not notified, a catch-up
// gives one summary instead of a storm, and a kind turned off stays quiet.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotificationService, SYNC_FAILING_AFTER_MS, draftsFromEvents, BATCH_PER_KIND_MAX } from '../../electron/services/notifications/index.js';
import { NotificationList, NotificationPushed } from '../../shared/contract/notifications.js';
import type { AccountEvent } from '../../shared/platform/events.js';

const dirs: string[] = [];
const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  vi.useRealTimers();
});

function file(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notif-'));
  dirs.push(dir);
  return path.join(dir, 'ledger.db');
}

function open(db_file: string, initial_cursor_seq = 0, now_ms = () => Date.parse('2026-03-01T09:00:00Z')) {
  const db = new Database(db_file);
  dbs.push(db);
  const svc = new NotificationService({ db, initial_cursor_seq, symbol: () => 'CMPT', now_ms });
  const pushed: unknown[] = [];
  svc.subscribe((p) => pushed.push(NotificationPushed.parse(p)));
  return { db, svc, pushed };
}

const acct = { account_id: 'acct-1' };
const t = (s: number) => new Date(Date.parse('2026-03-01T10:00:00Z') + s * 1000).toISOString();
const periodClose = (seq: number): AccountEvent[] => [
  { ...acct, id: `ev-${seq}`, seq, time: t(seq), type: 'period_close', period_id: 'per-7', unused_credits: '712.5', election: 'mint' },
  { ...acct, id: `ev-${seq + 1}`, seq: seq + 1, time: t(seq), type: 'mint', period_id: 'per-7', tokens: '712.5', face_value_usd: '0.02', market_price_usd: '0.0241', allocated_cost_usd: '14.25' },
];
const fill = (seq: number, order_id: string, quantity: string, price_usd = '0.025'): AccountEvent => ({
  ...acct, id: `ev-${seq}`, seq, time: t(seq), type: 'fill', trade_id: `tr-${seq}`, order_id, client_order_id: `c-${order_id}`, side: 'buy', price_usd, quantity, fee_usd: '0.001', liquidity: 'taker',
});
const orderEv = (seq: number, order_id: string, status: 'filled' | 'partially_filled', filled: string, quantity = '50'): AccountEvent => ({
  ...acct, id: `ev-${seq}`, seq, time: t(seq), type: 'order', order_id, client_order_id: `c-${order_id}`, status, side: 'buy', order_type: 'limit', price_usd: '0.025', quantity, filled_quantity: filled, reason: null,
});

describe('notifications from applied ledger batches', () => {
  it('a period close notifies once with the minted amount, and not again after a restart replays it', () => {
    const f = file();
    const a = open(f);
    const first = a.svc.onLedgerApplied({ events: periodClose(10), cursor_seq: 11 });
    expect(first.map((n) => [n.kind, n.title])).toEqual([['period_close', 'Period closed: 712.5 CMPT minted']]);
    expect(first[0]!.body).toBe('Your unused credits became 712.5 CMPT, worth $17.17 at $0.0241 (face value $0.0200).');
    expect(a.pushed).toHaveLength(1);
    expect(a.svc.onLedgerApplied({ events: periodClose(10), cursor_seq: 11 })).toEqual([]); // same process, replayed
    a.db.close();
    dbs.length = 0;

    const b = open(f, 11);
    expect(b.svc.onLedgerApplied({ events: periodClose(10), cursor_seq: 11 })).toEqual([]);
    const list = NotificationList.parse(b.svc.list());
    expect(list.notifications.map((n) => n.title)).toEqual(['Period closed: 712.5 CMPT minted']);
    expect(list.unread).toBe(1);
    expect(b.pushed).toEqual([]);
  });

  it('the same period notifies once even when its key comes again past the cursor (a reset cursor)', () => {
    const a = open(file());
    a.svc.onLedgerApplied({ events: periodClose(10), cursor_seq: 11 });
    a.db.prepare('UPDATE notify_cursor SET seq = 0').run();
    expect(a.svc.onLedgerApplied({ events: periodClose(10), cursor_seq: 11 })).toEqual([]);
  });

  it('history in the ledger at the first start is not notified', () => {
    const a = open(file(), 500);
    expect(a.svc.onLedgerApplied({ events: periodClose(10), cursor_seq: 500 })).toEqual([]);
    expect(a.svc.list().notifications).toEqual([]);
  });

  it("a new install's first catch-up does not notify what happened before the wallet first ran", () => {
    const a = open(file(), 0, () => Date.parse('2026-03-01T10:00:05Z'));
    // Seq 10 and 11 are timed 10:00:10: after the first start, so they notify; a fill at 10:00:01 does not.
    expect(a.svc.onLedgerApplied({ events: [fill(1, 'old', '5'), ...periodClose(10)], cursor_seq: 11 }).map((n) => n.kind)).toEqual(['period_close']);
  });

  it('a catch-up of many fills gives one summary, not a storm', () => {
    const a = open(file());
    const events = Array.from({ length: 40 }, (_, i) => fill(100 + i, `o-${i}`, '1'));
    const out = a.svc.onLedgerApplied({ events, cursor_seq: 139 });
    expect(out).toHaveLength(1);
    expect(out[0]!.title).toBe('40 × Buy order traded'); // no order event in the batch: filled or not is not known
    expect(a.pushed).toHaveLength(1);
    // A handful stays one by one.
    const few = a.svc.onLedgerApplied({ events: Array.from({ length: BATCH_PER_KIND_MAX }, (_, i) => fill(200 + i, `p-${i}`, '2')), cursor_seq: 200 + BATCH_PER_KIND_MAX - 1 });
    expect(few).toHaveLength(BATCH_PER_KIND_MAX);
  });

  it('fills of one order in one batch are one notification; partial fills say so', () => {
    const drafts = draftsFromEvents([fill(1, 'o1', '10', '0.02'), fill(2, 'o1', '10', '0.03'), orderEv(3, 'o1', 'partially_filled', '20')], 'CMPT');
    expect(drafts).toEqual([{ key: 'event:ev-1', kind: 'partial_fill', title: 'Buy order partly filled', body: 'Bought 20 CMPT at an average of $0.0250; 20 of 50 filled so far.', time: t(2) }]);
    const full = draftsFromEvents([fill(4, 'o2', '50'), orderEv(5, 'o2', 'filled', '50')], 'CMPT');
    expect(full.map((d) => [d.kind, d.body])).toEqual([['fill', 'Bought 50 CMPT at $0.0250.']]);
  });

  it('an order filled across two batches: the first says only what it knows, the second that the order is filled', () => {
    const first = draftsFromEvents([fill(1, 'o1', '20', '0.0306')], 'CMPT');
    expect(first.map((d) => [d.kind, d.title, d.body])).toEqual([['fill', 'Buy order traded', 'Bought 20 CMPT at $0.0306.']]);
    const second = draftsFromEvents([fill(2, 'o1', '2.62', '0.0306'), fill(3, 'o1', '7.38', '0.0305'), orderEv(4, 'o1', 'filled', '30', '30')], 'CMPT');
    expect(second.map((d) => [d.kind, d.title, d.body])).toEqual([['fill', 'Buy order filled', 'Bought the last 10 of 30 CMPT at an average of $0.0305: the order is filled.']]);
    const ioc = draftsFromEvents([fill(5, 'o3', '4'), { ...orderEv(6, 'o3', 'filled', '4', '10'), status: 'canceled' } as AccountEvent], 'CMPT');
    expect(ioc.map((d) => [d.kind, d.title, d.body])).toEqual([['partial_fill', 'Buy order partly filled, the rest canceled', 'Bought 4 CMPT at $0.0250; 4 of 10 filled in all.']]);
  });

  it('a renewal credit gives its amounts, including what the floor kept back', () => {
    const d = draftsFromEvents([
      { ...acct, id: 'e1', seq: 1, time: t(1), type: 'period_close', period_id: 'per-2', unused_credits: '1200', election: 'renewal_credit' },
      { ...acct, id: 'e2', seq: 2, time: t(1), type: 'renewal_credit', period_id: 'per-2', credits: '1200', credit_usd: '19.99', forfeited_usd: '4.01', next_price_usd: '0.01' },
    ], 'CMPT');
    expect(d.map((x) => [x.title, x.body])).toEqual([['Period closed: $19.99 renewal credit', '1200 unused credits took $19.99 off the renewal, now $0.01. $4.01 above the minimum charge was not refunded.']]);
  });

  it('a kind turned off stays quiet, and does not notify later when turned on again', () => {
    const a = open(file());
    a.svc.updateSettings({ kind: 'period_close', show: false });
    expect(a.svc.onLedgerApplied({ events: periodClose(10), cursor_seq: 11 })).toEqual([]);
    a.svc.updateSettings({ kind: 'period_close', show: true });
    a.db.prepare('UPDATE notify_cursor SET seq = 0').run();
    expect(a.svc.onLedgerApplied({ events: periodClose(10), cursor_seq: 11 })).toEqual([]);
    expect(() => a.svc.updateSettings({ kind: 'nope', show: true })).toThrow();
  });

  it('mark read: by id and all, with the unread count', () => {
    const a = open(file());
    a.svc.onLedgerApplied({ events: [fill(1, 'a', '1'), fill(2, 'b', '1')], cursor_seq: 2 });
    const [n1] = a.svc.list().notifications;
    expect(a.svc.markRead({ ids: [n1!.id] })).toEqual({ unread: 1 });
    expect(a.svc.markRead({ all: true })).toEqual({ unread: 0 });
    expect(() => a.svc.markRead({ ids: [] })).toThrow();
  });
});

describe('notifications from status changes', () => {
  const order = (state: string, order_id: string | null = null, reason: string | null = null) => ({ client_order_id: 'c1', order_id, side: 'buy' as const, quantity: '5', state, reason, updated_at: t(0) });

  it('an order queued offline and sent after reconnecting notifies once', () => {
    const a = open(file());
    expect(a.svc.onOrders([order('queued')], false)).toEqual([]);
    const sent = a.svc.onOrders([order('open', 'o-9')], true);
    expect(sent.map((n) => [n.kind, n.title])).toEqual([['queued_sent', 'Queued order sent']]);
    expect(a.svc.onOrders([order('filled', 'o-9')], true)).toEqual([]);
  });

  it('an order that expired before it could be sent notifies once, also after a restart', () => {
    const f = file();
    const a = open(f);
    expect(a.svc.onOrders([order('expired', null, 'expired before it could be sent')], false).map((n) => n.body)).toEqual(['Buy 5 CMPT: expired before it could be sent. It was never sent.']);
    a.db.close();
    dbs.length = 0;
    expect(open(f).svc.onOrders([order('expired', null, 'expired before it could be sent')], true)).toEqual([]);
  });

  it('sync failing for over a minute notifies once per outage', () => {
    vi.useFakeTimers();
    let now = Date.parse('2026-03-01T09:00:00Z');
    const a = open(file(), 0, () => now);
    a.svc.syncStatus({ state: 'syncing', last_error: null });
    vi.advanceTimersByTime(SYNC_FAILING_AFTER_MS - 1);
    a.svc.syncStatus({ state: 'online', last_error: null }); // back in time: nothing
    expect(a.svc.list().notifications).toEqual([]);
    a.svc.syncStatus({ state: 'offline', last_error: 'Cannot reach the platform. Retrying…' });
    now += 1000;
    a.svc.syncStatus({ state: 'syncing', last_error: 'Cannot reach the platform. Retrying…' });
    vi.advanceTimersByTime(SYNC_FAILING_AFTER_MS);
    expect(a.svc.list().notifications.map((n) => n.title)).toEqual(['Sync is failing']);
    vi.advanceTimersByTime(10 * SYNC_FAILING_AFTER_MS);
    expect(a.svc.list().notifications).toHaveLength(1);
    a.svc.close();
  });
});
