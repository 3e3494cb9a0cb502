// A real process death: a child places orders (printing each id once place() returned)
// and is SIGKILLed mid-stream. Every printed order is in the outbox after reopening, and
// orders that were `sending` are looked up before anything is sent again.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { Order, OrderRequest } from '../../shared/platform/api.js';
import type { AccountEvent } from '../../shared/platform/events.js';
import { openLedger } from '../../electron/services/ledger/index.js';
import { createOrderService, TransportError, type OrderTransport } from '../../electron/services/orders/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ORDERS_BEFORE_KILL = 300;

it('no order whose place() returned is lost when the process is killed; sends in flight are looked up first', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-crash-'));
  const wallet = path.join(dir, 'wallet.db');
  try {
    const seed = openLedger({ path: wallet });
    const deposit = { id: 'evt_1', seq: 1, account_id: 'acc_1', time: new Date().toISOString(), type: 'deposit', amount_usd: '1000' } as AccountEvent;
    expect(seed.ingest([deposit]).applied).toBe(1);
    seed.close();

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'crash-child.ts'), wallet], { stdio: ['ignore', 'pipe', 'inherit'] });
    const printed: string[] = [];
    let buf = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        const lines = buf.split('\n');
        buf = lines.pop()!;
        printed.push(...lines);
        if (printed.length >= ORDERS_BEFORE_KILL && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code) => (printed.length >= ORDERS_BEFORE_KILL ? resolve() : reject(new Error(`child exited early with ${code}`))));
    });
    await new Promise((r) => (child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(null)));
    expect(child.signalCode).toBe('SIGKILL');

    const ledger = openLedger({ path: wallet });
    const calls: string[] = [];
    const transport: OrderTransport = {
      async createOrder(req: OrderRequest) {
        calls.push(`create ${req.client_order_id}`);
        throw new TransportError('final', 'test_refusal', 'refused by the test');
      },
      async getOrderByClientId(id: string): Promise<Order> {
        calls.push(`lookup ${id}`);
        throw new TransportError('not_found', 'order_not_found', 'no such order', 404);
      },
      async cancelOrder(): Promise<Order> {
        throw new Error('not used');
      },
    };
    const svc = createOrderService({ ledger, transport, rate_limit: false });
    const states = new Map(svc.list({ limit: 1000 }).map((o) => [o.client_order_id, o.state]));
    for (const id of printed) expect(states.has(id), `order ${id} lost`).toBe(true);
    const unknown = [...states].filter(([, s]) => s === 'unknown').map(([id]) => id);
    expect(unknown.length).toBeGreaterThan(0); // the window that was `sending` when it died
    expect([...states.values()].every((s) => s === 'queued' || s === 'unknown')).toBe(true);
    svc.setOnline(true);
    await svc.drain();
    for (const id of unknown) expect(calls.indexOf(`lookup ${id}`)).toBeLessThan(calls.indexOf(`create ${id}`));
    await svc.close();
    ledger.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
