// The tax service over its worker thread: figures from the ledger file, kept current by the
// committed batches (onLedgerApplied), pushed to subscribers, and the same as the full recompute.
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TaxService } from '../../electron/app/tax-service.js';
import { openLedger, type Ledger } from '../../electron/services/ledger/index.js';
import { transactionsFromLedger } from '../../electron/services/tax/from-ledger.js';
import { computeTaxYear, whatIfSale } from '../../electron/services/tax/index.js';
import type { TaxView } from '../../shared/contract/tax.js';
import type { AccountEvent } from '../../shared/platform/events.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const open: { ledger: Ledger; tax: TaxService }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.tax.close();
    o.ledger.close();
  }
});

let seq = 0;
function ev(type: 'deposit' | 'fill-buy' | 'fill-sell', day: number, extra: Record<string, string> = {}): AccountEvent {
  seq++;
  const time = new Date(Date.UTC(2026, 0, day, 10)).toISOString();
  const base = { id: `e${seq}`, seq, account_id: 'acct', time };
  if (type === 'deposit') return { ...base, type: 'deposit', amount_usd: '100000' };
  return {
    ...base, type: 'fill', trade_id: `t${seq}`, order_id: `o${seq}`, client_order_id: `c${seq}`, side: type === 'fill-buy' ? 'buy' : 'sell',
    price_usd: extra.price ?? '2', quantity: extra.quantity ?? '10', fee_usd: '0.01', liquidity: 'taker',
  } as AccountEvent;
}

function setup(events: AccountEvent[]): { ledger: Ledger; tax: TaxService; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tax-service-'));
  const ledger = openLedger({ path: path.join(dir, 'ledger.db') });
  ledger.ingest(events.length ? events : []);
  const tax = new TaxService(ledger, path.join(dir, 'settings.json'), path.join(dir, 'reports'), () => '3', () => NOW);
  open.push({ ledger, tax });
  return { ledger, tax, dir };
}

/** Commits events and forwards the batch as the wallet app does. */
function commit(ledger: Ledger, tax: TaxService, events: AccountEvent[]): void {
  ledger.ingest(events);
  tax.onLedgerApplied({ events, cursor_seq: ledger.cursorSeq() });
}

function nextView(tax: TaxService, pass: (v: TaxView) => boolean = () => true): Promise<TaxView> {
  return new Promise((resolve) => {
    const off = tax.subscribe((v) => {
      if (!pass(v)) return;
      off();
      resolve(v);
    });
  });
}

/** The reference: the full recompute over the ledger as it is now. */
function reference(ledger: Ledger, settings: { wash_sale?: boolean } = {}) {
  return computeTaxYear(transactionsFromLedger(ledger.database()).transactions, { year: 2026, ...settings });
}

describe('TaxService', () => {
  it('reads the history in its worker, then follows committed batches and pushes the view once per change', async () => {
    seq = 0;
    const initial = [ev('deposit', 1), ev('fill-buy', 2), ev('fill-buy', 3, { price: '1' })];
    const { ledger, tax } = setup(initial);
    const first = await tax.summary(2026);
    expect(first).toMatchObject({ as_of_seq: 3, transactions: 2, rows: 0 });
    expect(first.lots.map((l) => l.lot_id)).toEqual(['e2', 'e3']);

    const views: TaxView[] = [];
    tax.subscribe((v) => views.push(v));
    const pushed = nextView(tax, (v) => v.as_of_seq === 5);
    commit(ledger, tax, [ev('fill-sell', 4, { quantity: '15' }), ev('deposit', 5)]);
    const v = await pushed;
    const ref = reference(ledger);
    expect(v.problem).toBeNull();
    expect(v.summary).toMatchObject({ year: 2026, as_of_seq: 5, transactions: 3, rows: ref.row_count, line16: ref.schedule_d.line16 });
    expect(v.summary?.short_term.gain).toBe(ref.schedule_d.line3.gain);
    expect(v.holdings?.groups).toEqual([{ source: 'buy', quantity: '5', cost_basis: '5.00' }]); // 10.01 - round(10.01 / 2)
    // A batch without fills, mints or redemptions changes no figure: nothing pushed for it.
    commit(ledger, tax, [ev('deposit', 6)]);
    await tax.holdings(); // answered after the batch: any push for it would have been made
    await new Promise((r) => setTimeout(r, 50));
    expect(views.map((x) => x.as_of_seq)).toEqual([5]);
  });

  it('catches up from the ledger file when a batch was not forwarded, and after a reversal', async () => {
    seq = 0;
    const { ledger, tax } = setup([ev('deposit', 1), ev('fill-buy', 2)]);
    expect((await tax.holdings()).as_of_seq).toBe(2);
    ledger.ingest([ev('fill-buy', 3), ev('fill-sell', 4, { quantity: '4' })]); // not forwarded
    const h = await tax.holdings();
    expect(h).toMatchObject({ as_of_seq: 4, groups: [{ source: 'buy', quantity: '16' }] });
    // Reverse the sale: the worker cannot undo one step, so it recomputes from the file.
    const sale = ledger.database().prepare("SELECT id FROM entries WHERE event_id = 'e4'").pluck().get() as number;
    ledger.reverse(sale, 'test correction');
    tax.invalidate();
    expect((await tax.holdings()).groups).toEqual([{ source: 'buy', quantity: '20', cost_basis: '40.02' }]);
    expect((await tax.summary(2026)).rows).toBe(reference(ledger).row_count);
  });

  it('applies a method change to later sales only, and previews a sale like the engine', async () => {
    seq = 0;
    const { ledger, tax } = setup([ev('deposit', 1), ev('fill-buy', 2, { price: '1' }), ev('fill-buy', 3, { price: '5' })]);
    expect((await tax.whatIf('5', '2')).cost_basis).toBe('5.01'); // fifo: the 1.00 lot
    tax.update({ method: 'hifo', wash_sale: false });
    const preview = await tax.whatIf('5', '2');
    expect(preview.method).toBe('hifo');
    expect(preview.cost_basis).toBe('25.01'); // the 5.00 lot
    const { transactions } = transactionsFromLedger(ledger.database());
    const settings = { method_orders: tax.settings().method_orders };
    expect(preview).toMatchObject({ proceeds: whatIfSale(transactions, settings, '5', '2', NOW.toISOString()).proceeds, short_term_gain: whatIfSale(transactions, settings, '5', '2', NOW.toISOString()).short_term_gain });
    await expect(tax.whatIf('999', '2')).rejects.toMatchObject({ code: 'tax_input' });
  });

  it('turns on wash sales with a full recompute, and matches the reference', async () => {
    seq = 0;
    const { ledger, tax } = setup([ev('deposit', 1), ev('fill-buy', 2, { price: '3' }), ev('fill-sell', 3, { price: '1' }), ev('fill-buy', 4, { price: '1' })]);
    const pushed = nextView(tax, (v) => v.summary?.settings.wash_sale === true);
    tax.update({ wash_sale: true });
    const v = await pushed;
    const ref = reference(ledger, { wash_sale: true });
    expect(ref.totals.wash_sale_disallowed).not.toBe('0.00');
    expect(v.summary?.short_term).toEqual({ ...ref.schedule_d.line3 });
  });

  it('reports a history it cannot compute as a problem, with the tax_input code on calls', async () => {
    seq = 0;
    const { ledger, tax } = setup([ev('deposit', 1), ev('fill-buy', 2)]);
    await tax.holdings();
    const pushed = nextView(tax);
    commit(ledger, tax, [ev('fill-sell', 3, { quantity: '50' })]);
    const v = await pushed;
    expect(v).toMatchObject({ summary: null, holdings: null });
    expect(v.problem).toMatch(/sell of 50 but only 10 held/);
    await expect(tax.summary(2026)).rejects.toMatchObject({ code: 'tax_input' });
  });

  it('writes the six report files and their manifest from the worker', async () => {
    seq = 0;
    const { tax, dir } = setup([ev('deposit', 1), ev('fill-buy', 2), ev('fill-sell', 3, { quantity: '4' })]);
    const out = await tax.export(2026);
    // Each export has its own folder (reports/YEAR/EXPORT_ID) with its index beside the files.
    expect(out.folder).toBe(path.join(dir, 'reports', '2026', out.export_id));
    expect(out.files).toHaveLength(7);
    expect(out.files.map((f) => f.name)).toContain('manifest.json');
    expect(readdirSync(out.folder).sort()).toEqual([...out.files.map((f) => f.name), 'export.json'].sort());
  });
});
