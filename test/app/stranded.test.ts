// Issue 13, item 2: an API key change archives the ledger; its queued order and waiting
// redemption are listed (never dropped), sent with the new key only for the same account
// (same ids), or canceled.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../electron/services/ledger/index.js';
import { createOrderService, type OrderTransport } from '../../electron/services/orders/index.js';
import { ComputeService, type ComputeTransport } from '../../electron/services/compute/index.js';
import { prepareLedgerFile } from '../../electron/app/ledger-file.js';
import { StrandedWork } from '../../electron/app/stranded.js';
import { dispatch } from '../../electron/api/dispatch.js';
import { generateStream } from '../sim/gen.js';
import type { OrderRequest } from '../../shared/platform/api.js';

const never = () => new Promise<never>(() => {});
const idle: OrderTransport = { createOrder: never, getOrderByClientId: never, cancelOrder: never };
const STREAM = generateStream({ seed: 3, count: 40, account_id: 'acct-7' }).events;

/** A data folder whose ledger (identity OLD) has a queued order and a waiting redemption. */
async function oldFolder(identity: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-stranded-'));
  const file = path.join(dir, 'ledger.db');
  prepareLedgerFile(file, identity);
  const ledger = openLedger({ path: file });
  ledger.ingest(STREAM);
  const orders = createOrderService({ ledger, transport: idle, rate_limit: false });
  const placed = orders.place({ side: 'buy', type: 'limit', price: '0.01', quantity: '1' });
  const request = JSON.parse(ledger.database().prepare('SELECT request FROM order_outbox').pluck().get() as string) as OrderRequest;
  await orders.close();
  // A redemption whose answer never came (as the compute service leaves it).
  ledger.database().prepare(`INSERT INTO redemptions (request_id, tokens, state, created_ms, updated_ms) VALUES ('019e830e-0000-7000-8000-00000000aa01', '0.5', 'pending', 1, 1)`).run();
  ledger.close();
  return { dir, file, client_order_id: placed.client_order_id, request };
}

function newWallet(dir: string, identity: string) {
  const file = path.join(dir, 'ledger.db');
  const { archived_to } = prepareLedgerFile(file, identity);
  const ledger = openLedger({ path: file });
  const sent: OrderRequest[] = [];
  const refused = async (r: OrderRequest) => {
    sent.push(r);
    throw new Error('connection refused (test)');
  };
  const orders = createOrderService({ ledger, transport: { ...idle, createOrder: refused }, rate_limit: false });
  const redeemed: string[] = [];
  const transport: ComputeTransport = { getSubscription: never, setElection: never, redeem: async (b) => { redeemed.push(String(b.request_id)); return never(); } };
  const compute = new ComputeService({ db: ledger.database(), transport, availableTokens: () => orders.available().token.available, sleep: async () => {} });
  const stranded = new StrandedWork({ db: ledger.database(), data_dir: dir, identity, account_id: () => ledger.accountId(), orders, compute });
  return { archived_to, ledger, orders, compute, stranded, sent, redeemed };
}

async function closeWallet(w: ReturnType<typeof newWallet>): Promise<void> {
  await w.orders.close();
  w.compute.close();
  w.ledger.close();
}

describe('work left in an archived ledger', () => {
  it('is listed after a key change, sent with the same ids once the new key is known to be the same account, or canceled', async () => {
    const old = await oldFolder('https://platform.example A');
    const w = newWallet(old.dir, 'https://platform.example B');
    expect(w.archived_to).not.toBeNull();
    expect(w.stranded.collect()).toBe(2);
    let list = w.stranded.list();
    expect(list.items.map((i) => [i.kind, i.id, i.status, i.state_when_archived])).toEqual([
      ['order', old.client_order_id, 'waiting', 'queued'],
      ['redemption', '019e830e-0000-7000-8000-00000000aa01', 'waiting', 'pending'],
    ]);
    expect(list.items[0]!.summary).toBe('buy 1 @ 0.01 (limit)');
    // Before the first sync the account of the new key is unknown: no sending yet.
    expect(list).toMatchObject({ waiting: 2, send_allowed: false, send_blocked_reason: expect.stringMatching(/first sync/) });
    await expect(w.stranded.resolve({ kind: 'order', id: old.client_order_id, action: 'send' })).rejects.toThrow(/first sync/);

    w.ledger.ingest(STREAM); // the same account's feed
    expect(w.stranded.list().send_allowed).toBe(true);
    const sent = await w.stranded.resolve({ kind: 'order', id: old.client_order_id, action: 'send' });
    expect(sent.status).toBe('sent');
    // Queued again exactly as it was: same client_order_id, same body (the platform dedups a resend).
    expect(w.orders.queue().map((o) => o.client_order_id)).toEqual([old.client_order_id]);
    w.orders.setOnline(true);
    await w.orders.drainOnce();
    w.orders.setOnline(false);
    expect(w.sent[0]).toEqual(old.request);
    const canceled = await w.stranded.resolve({ kind: 'redemption', id: '019e830e-0000-7000-8000-00000000aa01', action: 'cancel' });
    expect(canceled.status).toBe('canceled');
    expect(w.compute.list()).toEqual([]);
    expect(w.redeemed).toEqual([]);
    await expect(w.stranded.resolve({ kind: 'order', id: old.client_order_id, action: 'cancel' })).rejects.toThrow(/already sent/);
    // Each archive is looked through once; the choices are kept.
    expect(w.stranded.collect()).toBe(0);
    list = w.stranded.list();
    expect(list.waiting).toBe(0);
    expect(list.items.map((i) => i.status)).toEqual(['sent', 'canceled']);
    await closeWallet(w);
  });

  it('sends a waiting redemption with its own request_id', async () => {
    const old = await oldFolder('https://platform.example A');
    const w = newWallet(old.dir, 'https://platform.example B');
    w.stranded.collect();
    w.ledger.ingest(STREAM);
    w.compute.setOnline(true);
    const p = w.stranded.resolve({ kind: 'redemption', id: '019e830e-0000-7000-8000-00000000aa01', action: 'send' });
    await new Promise((r) => setTimeout(r, 50));
    expect(w.redeemed).toEqual(['019e830e-0000-7000-8000-00000000aa01']);
    expect(w.compute.list().map((r) => [r.request_id, r.tokens, r.state])).toEqual([['019e830e-0000-7000-8000-00000000aa01', '0.5', 'pending']]);
    void p;
    await closeWallet(w);
  });

  it('only cancels when the new key is for another account or another platform', async () => {
    const other_account = await oldFolder('https://platform.example A');
    const w = newWallet(other_account.dir, 'https://platform.example B');
    w.stranded.collect();
    w.ledger.ingest(generateStream({ seed: 3, count: 5, account_id: 'acct-other' }).events);
    expect(w.stranded.list()).toMatchObject({ send_allowed: false, send_blocked_reason: expect.stringMatching(/another account/) });
    await expect(w.stranded.resolve({ kind: 'order', id: other_account.client_order_id, action: 'send' })).rejects.toThrow(/another account/);
    expect(w.orders.queue()).toEqual([]);
    await closeWallet(w);

    const other_platform = await oldFolder('https://platform.example A');
    const v = newWallet(other_platform.dir, 'https://elsewhere.example A');
    v.stranded.collect();
    v.ledger.ingest(STREAM);
    expect(v.stranded.list().send_blocked_reason).toMatch(/another platform/);
    await closeWallet(v);
  });

  it('is in the wallet API contract, validated both ways', async () => {
    const old = await oldFolder('https://platform.example A');
    const w = newWallet(old.dir, 'https://platform.example B');
    w.stranded.collect();
    const handlers = { listStranded: async () => w.stranded.list(), resolveStranded: async (r: never) => w.stranded.resolve(r) } as never;
    const out = await dispatch(handlers, 'listStranded', {}, () => {});
    expect(out).toMatchObject({ ok: true, result: { waiting: 2 } });
    const bad = await dispatch(handlers, 'resolveStranded', { kind: 'order', id: old.client_order_id, action: 'drop' }, () => {});
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    await closeWallet(w);
  });
});

describe('`wallet connect` with another key', () => {
  it('says the ledger will be archived and that its unsent work waits for a choice', async () => {
    const { run } = await import('../../electron/cli/commands/connect.js');
    const { captureOutput } = await import('../ledger/helpers.js');
    const { vi } = await import('vitest');
    const old = await oldFolder('https://platform.example A');
    const creds = path.join(old.dir, 'creds.json');
    (await import('node:fs')).writeFileSync(creds, JSON.stringify({ key_id: 'B', secret: 'x'.repeat(32) }));
    const key_dir = mkdtempSync(path.join(os.tmpdir(), 'cw-key-'));
    const prev = process.env.XDG_STATE_HOME;
    process.env.XDG_STATE_HOME = key_dir;
    const c = captureOutput();
    try {
      expect(await run(['--platform-url', 'https://platform.example', '--credentials', creds, '--data-dir', old.dir])).toBe(0);
    } finally {
      vi.restoreAllMocks();
      if (prev === undefined) delete process.env.XDG_STATE_HOME;
      else process.env.XDG_STATE_HOME = prev;
    }
    expect(c.out()).toMatch(/the current ledger follows https:\/\/platform\.example A; at the next start it is archived/);
    expect(c.out()).toMatch(/Its 1 unsent order\(s\) and 1 unanswered redemption\(s\) are not dropped/);
  });
});
