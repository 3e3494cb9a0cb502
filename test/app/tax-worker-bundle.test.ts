// The tax worker as the packaged app loads it: bundled by esbuild with the options of
// scripts/build-main.ts, worker-client's code inside a bundle next to tax-worker.mjs.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../electron/services/ledger/index.js';
import type * as Client from '../../electron/services/tax/worker-client.js';
import type { HoldingsAnswer } from '../../electron/services/tax/worker-protocol.js';
import type * as Tax from '../../electron/services/tax/index.js';
import { syntheticYear, toCsv } from '../../bench/tax-gen.js';
import { esm, TAX_ROWS_WORKER, TAX_WORKER } from '../../scripts/bundle-options.js';

// Inside the tree so the bundles find node_modules (packages stay external, as in the app).
const out = path.resolve('.tmp', `tax-worker-bundle-${process.pid}`);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('bundled tax worker', () => {
  it('starts from tax-worker.mjs next to the bundle that uses it, and answers', async () => {
    mkdirSync(out, { recursive: true });
    await build({ ...esm, entryPoints: [TAX_WORKER.entry], outfile: path.join(out, TAX_WORKER.file) });
    await build({ ...esm, entryPoints: ['electron/services/tax/worker-client.ts'], outfile: path.join(out, 'main.mjs') });
    const ledger = openLedger({ path: path.join(out, 'ledger.db') });
    ledger.ingest([
      { id: 'e1', seq: 1, account_id: 'a', time: '2026-01-01T00:00:00Z', type: 'deposit', amount_usd: '100' },
      { id: 'e2', seq: 2, account_id: 'a', time: '2026-01-02T00:00:00Z', type: 'fill', trade_id: 't', order_id: 'o', client_order_id: 'c', side: 'buy', price_usd: '2', quantity: '3', fee_usd: '0', liquidity: 'taker' },
    ]);
    const mod = (await import(pathToFileURL(path.join(out, 'main.mjs')).href)) as typeof Client;
    const changed: number[] = [];
    const client = new mod.TaxWorkerClient((seq) => changed.push(seq));
    try {
      client.send({ kind: 'configure', ledger_path: path.join(out, 'ledger.db'), settings: { method_orders: [], mint_basis: 'allocated', wash_sale: false, digital_asset: false, filing_status: 'single' } });
      const h = await client.ask<HoldingsAnswer>({ what: 'holdings' });
      expect(h).toMatchObject({ as_of_seq: 2, groups: [{ source: 'buy', quantity: '3', cost_basis: '6.00' }] });
      expect(changed).toEqual([2]);
    } finally {
      await client.close();
      ledger.close();
    }
  });

  it('writes the per-row files with tax-rows-worker.mjs next to the bundle, the same bytes as one thread', async () => {
    const dir = path.join(out, 'rows');
    mkdirSync(dir, { recursive: true });
    await build({ ...esm, entryPoints: [TAX_ROWS_WORKER.entry], outfile: path.join(dir, TAX_ROWS_WORKER.file) });
    await build({ ...esm, entryPoints: ['electron/services/tax/index.ts'], outfile: path.join(dir, 'main.mjs') });
    const tax = (await import(pathToFileURL(path.join(dir, 'main.mjs')).href)) as typeof Tax;
    const r = tax.computeTaxYearFromCsv(toCsv(syntheticYear(3000)), { year: 2025, wash_sale: true });
    const meta = { data_as_of: 'bundle', generated_at: '2026-01-01T00:00:00Z' };
    const one = await tax.buildReportFiles(r, meta, { threads: 'one' });
    const two = await tax.buildReportFiles(r, meta, { threads: 'two' });
    for (const [i, f] of two.entries()) expect(Buffer.from(f.content).equals(Buffer.from(one[i]!.content)), f.name).toBe(true);
  }, 60_000);
});
