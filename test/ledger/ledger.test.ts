import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../electron/services/ledger/index.js';
import { generateStream, modelBalances } from '../sim/gen.js';
import { tempDir } from './helpers.js';

const open: Ledger[] = [];
function fresh(): { ledger: Ledger; file: string } {
  const file = path.join(tempDir(), 'ledger.db');
  const ledger = openLedger({ path: file });
  open.push(ledger);
  return { ledger, file };
}
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

const deposit = (seq: number, amount: string, id = `e${seq}`) => ({
  id, seq, account_id: 'acct-1', time: '2026-01-01T00:00:00.000Z', type: 'deposit', amount_usd: amount,
});

describe('ledger ingestion', () => {
  it('builds balances equal to an independent model, and every invariant holds', () => {
    const { events, model } = generateStream({ seed: 7, count: 3000 });
    const { ledger } = fresh();
    const r = ledger.ingest(events);
    expect(r).toMatchObject({ applied: 3000, duplicates: 0, quarantined: 0, cursor_seq: 3000, gap: null });
    const b = ledger.walletBalances();
    expect({ usd: b.usd, token: b.token, credits: b.credits }).toEqual(modelBalances(model));
    const report = ledger.verify();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entries).toBe(3000);
  });

  it('every entry balances per commodity, for any generated stream', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 300 }), (seed, count) => {
        const { ledger } = fresh();
        const { events, model } = generateStream({ seed, count });
        ledger.ingest(events);
        const v = ledger.verify();
        const b = ledger.walletBalances();
        ledger.close();
        return v.ok && b.usd === modelBalances(model).usd && b.token === modelBalances(model).token;
      }),
      { numRuns: 25 },
    );
  });

  it('is idempotent: ingesting the same events again changes nothing', () => {
    const { events } = generateStream({ seed: 3, count: 500 });
    const { ledger } = fresh();
    ledger.ingest(events);
    const before = ledger.balances();
    const again = ledger.ingest(events);
    expect(again).toMatchObject({ applied: 0, duplicates: 500, quarantined: 0, cursor_seq: 500 });
    expect(ledger.balances()).toEqual(before);
    expect(ledger.verify().ok).toBe(true);
  });

  it('applies events reordered within a call in seq order, and reports a gap across calls', () => {
    const { events, model } = generateStream({ seed: 11, count: 200 });
    const { ledger } = fresh();
    const shuffled = [...events.slice(0, 100)].reverse();
    expect(ledger.ingest(shuffled)).toMatchObject({ applied: 100, cursor_seq: 100, gap: null });
    const r = ledger.ingest(events.slice(150));
    expect(r).toMatchObject({ applied: 0, cursor_seq: 100, gap: { expected_seq: 101, got_seq: 151 } });
    expect(ledger.ingest(events.slice(100))).toMatchObject({ applied: 100, cursor_seq: 200 });
    expect(ledger.walletBalances().usd).toBe(modelBalances(model).usd);
    expect(ledger.verify().ok).toBe(true);
  });

  it('quarantines malformed events with the reason, consumes their seq, and keeps going', () => {
    const { ledger } = fresh();
    const r = ledger.ingest([
      deposit(1, '10'),
      { ...deposit(2, '5'), amount_usd: 5 }, // a JSON number: refused
      { ...deposit(3, '1'), extra: true }, // unknown field
      { seq: 'x', garbage: true }, // no usable seq
      deposit(4, '0.000000001'), // more than 8 fractional digits
      deposit(5, '2'),
    ]);
    expect(r).toMatchObject({ applied: 2, quarantined: 4, cursor_seq: 5, gap: null });
    expect(ledger.walletBalances().usd).toBe('12');
    const q = ledger.quarantined(10);
    expect(q.map((x) => x.seq).sort()).toEqual([2, 3, 4, null]);
    expect(q.find((x) => x.seq === 2)?.reason).toMatch(/amount_usd/);
    expect(q.find((x) => x.seq === 4)?.reason).toMatch(/more than 8 fractional digits/);
    expect(ledger.verify()).toMatchObject({ ok: true, quarantined: 4 });
    // The same garbage again is not quarantined twice.
    expect(ledger.ingest([{ seq: 'x', garbage: true }]).quarantined).toBe(0);
  });

  it('quarantines conflicting duplicates (same seq, other id; same id, other seq)', () => {
    const { ledger } = fresh();
    ledger.ingest([deposit(1, '10', 'a'), deposit(2, '1', 'b')]);
    const r = ledger.ingest([deposit(2, '1', 'other'), deposit(3, '1', 'a')]);
    expect(r).toMatchObject({ applied: 0, quarantined: 2, cursor_seq: 3 });
    const reasons = ledger.quarantined(10).map((q) => q.reason);
    expect(reasons.some((x) => /conflict: seq 2 is already recorded as event b/.test(x))).toBe(true);
    expect(reasons.some((x) => /duplicate event id a at a different seq/.test(x))).toBe(true);
    expect(ledger.walletBalances().usd).toBe('11');
    expect(ledger.verify().ok).toBe(true);
  });

  it('quarantines an event that would take an own asset below zero', () => {
    const { ledger } = fresh();
    const r = ledger.ingest([
      deposit(1, '10'),
      { id: 'w', seq: 2, account_id: 'acct-1', time: '2026-01-01T00:00:00Z', type: 'withdrawal', amount_usd: '10.01' },
    ]);
    expect(r).toMatchObject({ applied: 1, quarantined: 1, cursor_seq: 2 });
    expect(ledger.quarantined(1)[0]?.reason).toMatch(/assets:exchange:usd USD would go negative/);
  });

  it('quarantines events of another account', () => {
    const { ledger } = fresh();
    const r = ledger.ingest([deposit(1, '10'), { ...deposit(2, '1'), account_id: 'acct-2' }]);
    expect(r).toMatchObject({ applied: 1, quarantined: 1 });
  });

  it('persists cursor and balances across reopen, and resumes', () => {
    const { events, model } = generateStream({ seed: 5, count: 400 });
    const { ledger, file } = fresh();
    ledger.ingest(events.slice(0, 250));
    ledger.close();
    const again = openLedger({ path: file });
    open.push(again);
    expect(again.cursorSeq()).toBe(250);
    again.ingest(events);
    expect(again.walletBalances()).toMatchObject({ ...modelBalances(model), cursor_seq: 400, entry_count: 400 });
    expect(again.verify().ok).toBe(true);
  });

  it('skipMissing records a missing seq and moves on', () => {
    const { ledger } = fresh();
    ledger.ingest([deposit(1, '1')]);
    expect(ledger.ingest([deposit(3, '1')]).gap).toEqual({ expected_seq: 2, got_seq: 3 });
    ledger.skipMissing(2, 'gap persisted');
    expect(ledger.ingest([deposit(3, '1')])).toMatchObject({ applied: 1, cursor_seq: 3 });
    expect(ledger.verify()).toMatchObject({ ok: true, quarantined: 1 });
    expect(() => ledger.skipMissing(2, 'again')).toThrow(/cursor is 3/);
  });

  it('records orders, and corrections are reversing entries', () => {
    const { ledger } = fresh();
    ledger.ingest([
      deposit(1, '10'),
      { id: 'o', seq: 2, account_id: 'acct-1', time: '2026-01-01T00:00:00Z', type: 'order', order_id: 'O1', client_order_id: 'C1',
        status: 'open', side: 'buy', order_type: 'limit', price_usd: '1.5', quantity: '2', filled_quantity: '0', reason: null },
    ]);
    expect(ledger.orders(5)).toMatchObject([{ order_id: 'O1', status: 'open', last_seq: 2 }]);
    // Several states of one order in one batch: the latest wins (multi-row upsert).
    const state = (seq: number, order_id: string, status: string, filled: string) => ({
      id: `o${seq}`, seq, account_id: 'acct-1', time: '2026-01-01T00:00:00Z', type: 'order', order_id, client_order_id: `C-${order_id}`,
      status, side: 'buy', order_type: 'limit', price_usd: '1.5', quantity: '2', filled_quantity: filled, reason: null,
    });
    const batch = [state(3, 'O2', 'open', '0'), state(4, 'O2', 'partially_filled', '1'), state(5, 'O1', 'canceled', '0')];
    for (let seq = 6; seq < 80; seq++) batch.push(state(seq, `X${seq}`, 'open', '0'));
    batch.push(state(80, 'O2', 'filled', '2'));
    expect(ledger.ingest(batch).applied).toBe(batch.length);
    const orders = ledger.orders(100) as { order_id: string; status: string; filled_quantity: string; last_seq: number }[];
    expect(orders.find((o) => o.order_id === 'O2')).toMatchObject({ status: 'filled', filled_quantity: '2', last_seq: 80 });
    expect(orders.find((o) => o.order_id === 'O1')).toMatchObject({ status: 'canceled', last_seq: 5 });
    expect(orders).toHaveLength(76);
    const first = ledger.recentEntries(100).find((x) => x.seq === 1);
    expect(first?.seq).toBe(1);
    const rid = ledger.reverse(first?.id as number, 'test correction');
    expect(ledger.walletBalances().usd).toBe('0');
    expect(ledger.recentEntries(1)[0]).toMatchObject({ id: rid, reverses: first?.id, type: 'reversal' });
    expect(() => ledger.reverse(first?.id as number, 'twice')).toThrow();
    expect(ledger.verify().ok).toBe(true);
  });

  it('pages the journal back by entry id: newest first, no entry twice, none skipped', () => {
    const { ledger } = fresh();
    const { events } = generateStream({ seed: 5, count: 250 });
    expect(ledger.ingest(events).applied).toBe(250);
    const seen: number[] = [];
    let before: number | undefined;
    for (let page = 0; page < 10; page++) {
      const rows = ledger.recentEntries(60, before);
      if (rows.length === 0) break;
      seen.push(...rows.map((r) => r.id));
      before = rows[rows.length - 1]!.id;
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => 250 - i));
    expect(ledger.recentEntries(10, 3).map((r) => r.id)).toEqual([2, 1]);
  });

  it('refuses a bad limit and an oversized ingest call', () => {
    const { ledger } = fresh();
    expect(() => ledger.recentEntries(0)).toThrow(/limit/);
    expect(() => ledger.recentEntries(10, 0)).toThrow(/before_id/);
    expect(() => ledger.ingest(new Array(100_001).fill(null))).toThrow(/at most/);
  });
});

describe('verify', () => {
  it('reports tampered cached balances, broken entries and sequence holes', () => {
    const { events } = generateStream({ seed: 9, count: 100 });
    const { ledger, file } = fresh();
    ledger.ingest(events);
    ledger.close();
    const db = new Database(file);
    db.exec("UPDATE balances SET amount = amount + 1 WHERE account_id = 1 AND commodity = 'USD'");
    // Postings live in their entry row (k<n> = account × 4 + commodity code, a<n> = amount).
    db.exec('UPDATE entries SET a1 = a1 + 5 WHERE id = 1');
    db.pragma('foreign_keys = OFF');
    db.exec('DELETE FROM entries WHERE seq = 50');
    // A balanced pair of TOKEN postings, one to an account that does not exist (99).
    db.exec('UPDATE entries SET k1 = 99 * 4 + 1, a1 = 5, k2 = 14 * 4 + 1, a2 = -5 WHERE id = (SELECT MIN(id) FROM entries WHERE k1 IS NULL)');
    db.close();
    const l = openLedger({ path: file });
    open.push(l);
    const r = l.verify();
    expect(r.ok).toBe(false);
    const checks = new Set(r.problems.map((p) => p.check));
    expect(checks).toEqual(new Set(['cached_balance', 'entry_balance', 'sequence', 'entry_count', 'foreign_keys']));
    expect(r.problems.find((p) => p.check === 'sequence')?.message).toMatch(/50\.\.50 are missing/);
  });
});

describe('reconciliation', () => {
  const platform = (usd: string, as_of_seq: number) => ({
    usd: { total: usd, available: usd, reserved: '0' },
    token: { total: '0', available: '0', reserved: '0' },
    credits: { period_id: null, available: '0' },
    as_of_seq,
  });

  it('keeps a mismatch with its detail, does not duplicate it, and marks it resolved on a later match', () => {
    const { ledger } = fresh();
    ledger.ingest([deposit(1, '10')]);
    expect(ledger.reconcile(platform('10', 0)).compared).toBe(false);
    expect(ledger.reconcile(platform('10', 1))).toMatchObject({ compared: true, open_mismatches: [] });
    const r = ledger.reconcile(platform('12.5', 1));
    expect(r.open_mismatches).toHaveLength(1);
    expect(r.open_mismatches[0]).toMatchObject({ account: 'assets:exchange:usd', local_amount: '10', platform_amount: '12.5' });
    expect(r.open_mismatches[0]?.detail).toMatch(/platform − local = 2.5/);
    expect(ledger.reconcile(platform('12.5', 1)).open_mismatches).toHaveLength(1);
    expect(ledger.walletBalances().usd).toBe('10'); // never overwritten
    ledger.ingest([deposit(2, '2.5')]);
    expect(ledger.reconcile(platform('12.5', 2)).open_mismatches).toHaveLength(0);
    expect(ledger.mismatches()).toHaveLength(1);
    expect(ledger.mismatches()[0]?.resolved_at).not.toBeNull();
  });
});

describe('market data cache', () => {
  it('stores candles and answers pages oldest-first', () => {
    const { ledger } = fresh();
    const candle = (time: number) => ({ time, open: '1', high: '2', low: '0.5', close: '1.5', volume: '10' });
    ledger.upsertCandles('1m', [candle(60), candle(120), candle(180)]);
    ledger.upsertCandles('1m', [{ ...candle(180), close: '1.7' }]);
    expect(ledger.latestCandleTime('1m')).toBe(180);
    expect(ledger.candles('1m', null, 2).map((c) => c.time)).toEqual([120, 180]);
    expect(ledger.candles('1m', 180, 10).map((c) => c.time)).toEqual([60, 120]);
    expect(ledger.candles('1m')[2]?.close).toBe('1.7');
    expect(() => ledger.upsertCandles('1m', [{ ...candle(1), open: 1 }])).toThrow();
    expect(ledger.insertTrades([{ trade_id: 't1', time: '2026-01-01T00:00:00Z', price_usd: '1', quantity: '2', side: 'buy' }])).toBe(1);
    expect(ledger.insertTrades([{ trade_id: 't1', time: '2026-01-01T00:00:00Z', price_usd: '1', quantity: '2', side: 'buy' }])).toBe(0);
    expect(ledger.latestTradeTime()).toBe('2026-01-01T00:00:00Z');
  });
});

describe('files', () => {
  it('creates the folder and uses WAL', () => {
    const dir = path.join(tempDir(), 'nested', 'dir');
    const l = openLedger({ path: path.join(dir, 'ledger.db') });
    open.push(l);
    expect(fs.existsSync(dir)).toBe(true);
    expect(l.database().pragma('journal_mode', { simple: true })).toBe('wal');
    expect(l.database().pragma('foreign_keys', { simple: true })).toBe(1);
    expect(l.database().pragma('synchronous', { simple: true })).toBe(2);
  });
});
