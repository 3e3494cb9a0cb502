import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { allTaxEntries, lastLedgerEvent, openLedger, readTaxEntriesAfter, reversalCount, type Ledger, type TaxEntry } from '../../electron/services/ledger/index.js';
import type { AccountEvent } from '../../shared/platform/events.js';
import { generateStream } from '../sim/gen.js';
import { tempDir } from './helpers.js';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const x of open.splice(0)) x.close();
});

function fresh(events: AccountEvent[]): { ledger: Ledger; file: string } {
  const file = path.join(tempDir(), 'ledger.db');
  const ledger = openLedger({ path: file });
  open.push(ledger);
  expect(ledger.ingest(events).applied).toBe(events.length);
  return { ledger, file };
}

/** What the tax entries must be, from the events themselves: fills, mints, redemptions, in seq order. */
function expected(events: AccountEvent[], after = 0, leftOut = new Set<string>()): Pick<TaxEntry, 'seq' | 'event_id' | 'type' | 'time'>[] {
  return events
    .filter((e) => (e.type === 'fill' || e.type === 'mint' || e.type === 'redemption') && e.seq > after && !leftOut.has(e.id))
    .sort((a, b) => a.seq - b.seq)
    .map((e) => ({ seq: e.seq, event_id: e.id, type: e.type as TaxEntry['type'], time: e.time }));
}

const head = (e: TaxEntry) => ({ seq: e.seq, event_id: e.event_id, type: e.type, time: e.time });

describe('the ledger\'s tax entries', () => {
  const { events } = generateStream({ seed: 11, count: 1500 });
  const kinds = new Set(events.map((e) => e.type));

  it('are the fills, mints and redemptions after a seq, in ledger order, with where the read stopped', () => {
    // The stream must hold all three kinds and others, or the filter is not tested.
    for (const k of ['fill', 'mint', 'redemption', 'deposit']) expect(kinds.has(k as AccountEvent['type']), k).toBe(true);
    const { ledger } = fresh(events);
    const last = events.reduce((a, b) => (b.seq > a.seq ? b : a));
    for (const after of [0, 1, 700, last.seq - 1, last.seq]) {
      const got: TaxEntry[] = [];
      const read = ledger.taxEntriesAfter(after, (e) => got.push(e));
      expect(got.map(head)).toEqual(expected(events, after));
      expect(read).toEqual({ cursor_seq: ledger.cursorSeq(), cursor_time: last.time, reversals: 0 });
    }
    // `data` is the event's own fields (what the tax adapter parses).
    const fill = events.find((e) => e.type === 'fill') as Extract<AccountEvent, { type: 'fill' }>;
    const got: TaxEntry[] = [];
    ledger.taxEntriesAfter(fill.seq - 1, (e) => got.push(e));
    expect(JSON.parse((got[0] as TaxEntry).data)).toMatchObject({ side: fill.side, price_usd: fill.price_usd, quantity: fill.quantity, fee_usd: fill.fee_usd });
  });

  it('leave out an entry a reversing entry cancels, and count the reversal', () => {
    const { ledger } = fresh(events);
    const fill = events.find((e) => e.type === 'fill') as AccountEvent;
    const id = ledger.database().prepare('SELECT id FROM entries WHERE event_id = ?').pluck().get(fill.id) as number;
    ledger.reverse(id, 'test correction');
    const got: TaxEntry[] = [];
    const read = ledger.taxEntriesAfter(0, (e) => got.push(e));
    expect(got.map(head)).toEqual(expected(events, 0, new Set([fill.id])));
    expect(read.reversals).toBe(1);
    expect(reversalCount(ledger.database())).toBe(1);
    expect([...allTaxEntries(ledger.database())].map(head)).toEqual(expected(events, 0, new Set([fill.id])));
  });

  it('read the same on a read-only connection of its own (the tax worker\'s way), and an error in the callback ends the read', () => {
    const { ledger, file } = fresh(events);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    open.push(db);
    const mine: TaxEntry[] = [];
    const theirs: TaxEntry[] = [];
    expect(readTaxEntriesAfter(db, 0, (e) => theirs.push(e))).toEqual(ledger.taxEntriesAfter(0, (e) => mine.push(e)));
    expect(theirs).toEqual(mine);
    expect([...allTaxEntries(db)]).toEqual(mine);
    const last = events.reduce((a, b) => (b.seq > a.seq ? b : a));
    expect(lastLedgerEvent(db)).toEqual({ seq: last.seq, time: last.time });
    let n = 0;
    expect(() => readTaxEntriesAfter(db, 0, () => {
      if (++n === 3) throw new Error('stop');
    })).toThrow('stop');
    // The statement was closed with the read: the connection reads again.
    expect(readTaxEntriesAfter(db, 0, () => undefined).cursor_seq).toBe(ledger.cursorSeq());
    expect(() => readTaxEntriesAfter(db, -1, () => undefined)).toThrow(RangeError);
  });

  it('are empty on an empty ledger', () => {
    const { ledger, file } = fresh([]);
    const db = new Database(file, { readonly: true });
    open.push(db);
    expect(ledger.taxEntriesAfter(0, () => expect.unreachable())).toEqual({ cursor_seq: 0, cursor_time: null, reversals: 0 });
    expect([...allTaxEntries(db)]).toEqual([]);
    expect(lastLedgerEvent(db)).toBeNull();
  });
});
