// The contract's checks of a lot choice (PlaceOrderInput.lots, WhatIfRequest.lots): what the
// ticket and the main process both validate before anything asks the tax engine.
import { describe, expect, it } from 'vitest';
import { PlaceOrderInput } from '../../shared/contract/orders.js';
import { WhatIfRequest } from '../../shared/contract/tax.js';

const sell = { side: 'sell', type: 'limit', price: '3', quantity: '5' } as const;
const problem = (schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, v: unknown): string | null => {
  const r = schema.safeParse(v);
  return r.success ? null : r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('a lot choice in the contract', () => {
  it.each([
    ['one lot, the whole quantity', { ...sell, lots: [{ lot_id: 'evt_1', quantity: '5' }] }, null],
    ['two lots adding up (5.00 = 2 + 3)', { ...sell, quantity: '5.00', lots: [{ lot_id: 'a', quantity: '2' }, { lot_id: 'b', quantity: '3.0' }] }, null],
    ['not adding up', { ...sell, lots: [{ lot_id: 'a', quantity: '2' }] }, /lots: the lots add up to 2, not the order's quantity 5/],
    ['on a buy', { ...sell, side: 'buy', lots: [{ lot_id: 'a', quantity: '5' }] }, /lots: only a sell names the lots it sells/],
    ['a lot twice', { ...sell, lots: [{ lot_id: 'a', quantity: '2' }, { lot_id: 'a', quantity: '3' }] }, /lots.1.lot_id: lot a is named twice/],
    ['an empty list', { ...sell, lots: [] }, /name at least one lot, or leave lots out/],
    ['a zero quantity', { ...sell, lots: [{ lot_id: 'a', quantity: '0' }, { lot_id: 'b', quantity: '5' }] }, /lots.0.quantity/],
    ['an empty id', { ...sell, lots: [{ lot_id: '', quantity: '5' }] }, /lots.0.lot_id/],
    ['an unknown field', { ...sell, lots: [{ lot_id: 'a', quantity: '5', piece: 0 }] }, /lots.0/],
  ])('PlaceOrderInput: %s', (_name, input, expected) => {
    const got = problem(PlaceOrderInput, input);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toMatch(expected);
  });

  it('WhatIfRequest takes the same list (whether the lots are held is the engine\'s check)', () => {
    expect(problem(WhatIfRequest, { quantity: '5', lots: [{ lot_id: 'a', quantity: '5' }] })).toBeNull();
    expect(problem(WhatIfRequest, { quantity: '5', lots: [{ lot_id: 'a', quantity: '2' }, { lot_id: 'a', quantity: '3' }] })).toMatch(/named twice/);
    expect(problem(WhatIfRequest, { quantity: '5', lots: [] })).toMatch(/at least one lot/);
  });
});
