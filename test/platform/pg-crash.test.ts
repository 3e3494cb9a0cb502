// The PostgreSQL writer killed (SIGKILL) in the middle of a stream of signed writes: every
// write it acknowledged is in PostgreSQL, and a new writer loads a state whose invariants
// hold (conservation, reservations, gap-free seqs). Nothing answered is lost, since the
// answer waits for the flush. Skipped, with the reason, without PostgreSQL.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sign } from '../../platform/auth/signing.js';
import { startPlatform } from '../../platform/index.js';
import { cli } from '../support/platform-cli.js';
import { findPgBin } from '../support/pg-cluster.js';
import { freshSchemaUrl, pgCluster, keyDir } from '../support/engines.js';

const found = findPgBin();
const reason = 'missing' in found ? found.missing : '';

describe.skipIf(reason !== '')(`PostgreSQL writer crash${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('keeps every acknowledged write across a SIGKILL, and restarts into a consistent state', async () => {
    const url = await freshSchemaUrl((await pgCluster()).url);
    const secrets_key_file = path.join(keyDir(), 'secrets-key');
    const setup = await startPlatform({ database_url: url, secrets_key_file });
    const accounts = [0, 1, 2, 3].map(() => {
      const { account_id } = setup.core.createAccount({ start_ms: setup.core.now_ms() - setup.core.config.period_ms });
      return { account_id, ...setup.core.createApiKey(account_id) };
    });
    setup.core.tick(); // each account mints 1000 tokens
    await setup.close();

    const run = cli(['--db', url, '--secrets-key', secrets_key_file, '--port', '0', '--no-rate-limit']);
    const base = await run.listening;
    const acked = { deposits: new Set<string>(), orders: new Set<string>() };
    let sent = 0;
    let stop = false;
    const worker = async (w: number) => {
      const a = accounts[w % accounts.length]!;
      for (let i = 0; !stop; i++) {
        const n = sent++;
        const isOrder = i % 2 === 1;
        const target = isOrder ? '/v1/orders' : '/v1/deposits';
        const id = `w${w}-${i}`;
        const body = isOrder
          ? JSON.stringify({ client_order_id: id, side: n % 4 === 1 ? 'buy' : 'sell', type: 'limit', price: '0.02', quantity: '1', time_in_force: 'GTC' })
          : JSON.stringify({ amount_usd: '1', request_id: id });
        const ts_ms = Date.now(); // bodies differ (their ids), so signatures never repeat
        try {
          const res = await fetch(base + target, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', 'x-api-key': a.key_id, 'x-timestamp': String(ts_ms), 'x-signature': sign(a.secret, ts_ms, 'POST', target, body) },
          });
          if (res.status === 201) (isOrder ? acked.orders : acked.deposits).add(`${a.account_id}/${id}`);
        } catch {
          return; // the writer is gone
        }
      }
    };
    const workers = [0, 1, 2, 3, 4, 5, 6, 7].map(worker);
    while (acked.deposits.size + acked.orders.size < 150) await new Promise((r) => setTimeout(r, 5));
    run.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await run.out;
    expect(acked.deposits.size).toBeGreaterThan(20);
    expect(acked.orders.size).toBeGreaterThan(20);

    const again = await startPlatform({ database_url: url, secrets_key_file, config: { paranoid: true } });
    try {
      again.core.checkInvariants(); // conservation, reservations, the book, gap-free seqs
      for (const key of acked.orders) {
        const [account_id, id] = key.split('/') as [string, string];
        expect(again.core.getOrderByClientId(account_id, id).client_order_id).toBe(id);
      }
      for (const key of acked.deposits) {
        const [account_id, id] = key.split('/') as [string, string];
        expect(again.core.store.storedRequest(account_id, id)?.kind, key).toBe('deposit');
      }
    } finally {
      await again.close();
    }
  }, 120_000);
});
