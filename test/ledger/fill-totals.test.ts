// The ledger's fill totals per order (average fill price and fees on the Orders panel):
// summed exactly at ingest, and a reversed fill is taken out again.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../electron/services/ledger/index.js';
import type { AccountEvent } from '../../shared/platform/events.js';
import { tempDir } from './helpers.js';

const time = '2026-03-01T10:00:00.000Z';
const deposit: AccountEvent = { id: 'e1', seq: 1, account_id: 'a', time, type: 'deposit', amount_usd: '1000' };
const fill = (seq: number, client_order_id: string, price_usd: string, quantity: string, fee_usd: string): AccountEvent => ({
  id: `e${seq}`, seq, account_id: 'a', time, type: 'fill', trade_id: `t${seq}`, order_id: `o-${client_order_id}`, client_order_id,
  side: 'buy', price_usd, quantity, fee_usd, liquidity: 'taker',
});

describe('ledger fill totals', () => {
  it('sums the fills of each order exactly and takes a reversed fill out', () => {
    const l = openLedger({ path: path.join(tempDir(), 'ledger.db') });
    try {
      l.ingest([deposit, fill(2, 'c1', '0.0301', '10.01', '0.000602'), fill(3, 'c1', '0.0299', '3.33', '0.000199'), fill(4, 'c2', '1', '1', '0')]);
      expect(l.fillTotals(['c1', 'c2', 'none'])).toEqual(
        new Map([
          ['c1', { fills: 2, quantity: '13.34', notional_usd: '0.400868', fees_usd: '0.000801' }], // 0.301301 + 0.099567
          ['c2', { fills: 1, quantity: '1', notional_usd: '1', fees_usd: '0' }],
        ]),
      );
      const second = l.recentEntries(10).find((e) => e.seq === 3)!.id;
      l.reverse(second, 'test correction');
      expect(l.fillTotals(['c1']).get('c1')).toEqual({ fills: 1, quantity: '10.01', notional_usd: '0.301301', fees_usd: '0.000602' });
      l.reverse(l.recentEntries(10).find((e) => e.seq === 4)!.id, 'test correction');
      expect(l.fillTotals(['c2']).has('c2')).toBe(false); // no fills left: absent, not zero
      expect(() => l.fillTotals(Array.from({ length: 1001 }, (_, i) => `c${i}`))).toThrow(/at most 1000/);
    } finally {
      l.close();
    }
  });
});
