// The instrument cache: one fetch per run shared by concurrent callers, kept in a file for
// offline use (validated on read), retried after a failure only after a pause.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstrumentCache } from '../../electron/app/instrument.js';
import type { MarketInfo } from '../../shared/platform/api.js';

const INFO: MarketInfo = {
  symbol: 'TOKEN-USD', base_symbol: 'CMPT', display_name: 'Compute token', tick_size: '0.0001', lot_size: '0.01', min_price: '0.0001', max_price: '1000',
  max_quantity: '1000000', maker_fee_bps: 10, taker_fee_bps: 20, withdrawal_fee_usd: '0.25', face_value_usd: '0.02',
};
const file = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'cw-inst-')), 'instrument.json');

describe('InstrumentCache', () => {
  it('callers arriving while the fetch is in flight get its answer, not nothing', async () => {
    let release: (v: MarketInfo) => void = () => {};
    let calls = 0;
    const cache = new InstrumentCache({ getMarket: () => { calls++; return new Promise((r) => (release = r)); } }, file());
    const a = cache.get();
    const b = cache.get();
    release(INFO);
    expect((await a)?.base_symbol).toBe('CMPT');
    expect(await b).toMatchObject({ base_symbol: 'CMPT', display_name: 'Compute token', taker_fee_bps: 20, live: true });
    expect(calls).toBe(1);
  });

  it('keeps the copy for offline use, and a damaged copy counts as none', async () => {
    const f = file();
    await new InstrumentCache({ getMarket: async () => INFO }, f).get();
    const offline = new InstrumentCache({ getMarket: async () => { throw new Error('network error'); } }, f);
    expect(await offline.get()).toMatchObject({ base_symbol: 'CMPT', live: false });
    writeFileSync(f, '{"info": {"symbol": "TOKEN-USD"}}');
    expect(await new InstrumentCache(null, f).get()).toBeNull();
  });

  it('after a failure, waits before asking the platform again', async () => {
    let now = 1_000_000;
    let calls = 0;
    const cache = new InstrumentCache({ getMarket: async () => { calls++; throw new Error('down'); } }, file(), undefined, () => now);
    expect(await cache.get()).toBeNull();
    expect(await cache.get()).toBeNull();
    expect(calls).toBe(1);
    now += 60_000;
    await cache.get();
    expect(calls).toBe(2);
  });
});
