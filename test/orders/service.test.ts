// Unit tests of the order engine with a scripted transport and a real ledger file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order, OrderRequest } from '../../shared/platform/api.js';
import type { AccountEvent } from '../../shared/platform/events.js';
import { openLedger, LATEST_VERSION, type Ledger } from '../../electron/services/ledger/index.js';
import { PlatformClient, PlatformError } from '../../electron/services/platform-client/index.js';
import {
  AvailableViewSchema,
  createOrderService,
  MAX_SEND_ATTEMPTS,
  OrderViewSchema,
  OrderEntryError,
  platformClientTransport,
  TransportError,
  type Clock,
  type OrderChange,
  type OrderService,
  type OrderTransport,
} from '../../electron/services/orders/index.js';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const ACC = 'acc_1';

type Behaviour = 'ok' | 'unknown' | 'drop_response' | '429' | '503' | 'reject' | 'hang';

/** A fake platform: orders by client id, plus a script of behaviours for the next calls. */
class ScriptedTransport implements OrderTransport {
  readonly orders = new Map<string, Order>();
  readonly calls: { op: string; id: string; at_ms: number }[] = [];
  script: Behaviour[] = [];
  constructor(private readonly clock: Clock) {}

  private next(): Behaviour {
    return this.script.shift() ?? 'ok';
  }

  async createOrder(req: OrderRequest): Promise<{ order: Order; created: boolean }> {
    this.calls.push({ op: 'create', id: req.client_order_id, at_ms: this.clock.now_ms() });
    const b = this.next();
    if (b === 'hang') return new Promise(() => {});
    if (b === 'unknown') throw new TransportError('unknown', 'timeout', 'no answer');
    if (b === '429') throw new TransportError('transient', 'rate_limited', 'slow down', 429, 5000);
    if (b === '503') throw new TransportError('transient', 'server_busy', 'busy', 503);
    if (b === 'reject') throw new TransportError('final', 'insufficient_funds', 'order needs more USD', 422);
    const existing = this.orders.get(req.client_order_id);
    const order = existing ?? this.toOrder(req);
    this.orders.set(req.client_order_id, order);
    if (b === 'drop_response') throw new TransportError('unknown', 'timeout', 'answer lost');
    return { order, created: !existing };
  }

  async getOrderByClientId(id: string): Promise<Order> {
    this.calls.push({ op: 'lookup', id, at_ms: this.clock.now_ms() });
    const o = this.orders.get(id);
    if (!o) throw new TransportError('not_found', 'order_not_found', 'no such order', 404);
    return o;
  }

  async cancelOrder(order_id: string): Promise<Order> {
    this.calls.push({ op: 'cancel', id: order_id, at_ms: this.clock.now_ms() });
    const b = this.next();
    if (b === 'unknown') throw new TransportError('unknown', 'timeout', 'no answer');
    const o = [...this.orders.values()].find((x) => x.order_id === order_id)!;
    const c: Order = { ...o, status: 'canceled', reason: 'canceled_by_user' };
    this.orders.set(o.client_order_id, c);
    return c;
  }

  private toOrder(req: OrderRequest): Order {
    const iso = new Date(this.clock.now_ms()).toISOString();
    return {
      order_id: `ord_${this.orders.size + 1}`,
      client_order_id: req.client_order_id,
      account_id: ACC,
      symbol: 'TOKEN-USD',
      side: req.side,
      type: req.type,
      price: req.price ?? null,
      protection_price: req.protection_price ?? null,
      quantity: req.quantity,
      filled_quantity: '0',
      remaining_quantity: req.quantity,
      average_price: null,
      fees_usd: '0',
      time_in_force: req.time_in_force,
      expire_at: null,
      post_only: false,
      status: 'open',
      reason: null,
      created_at: iso,
      updated_at: iso,
    };
  }
}

let dir: string;
let ledger: Ledger;
let now: number;
let clock: Clock;
let transport: ScriptedTransport;
let svc: OrderService;
let seq = 0;

function ev(body: Record<string, unknown>): AccountEvent {
  seq++;
  return { id: `evt_${seq}`, seq, account_id: ACC, time: new Date(now).toISOString(), ...body } as AccountEvent;
}

/** A small deterministic PRNG (jitter and UUID random bits). */
function lcg(): () => number {
  let x = 1;
  return () => (x = (x * 9301 + 49297) % 233280) / 233280;
}

function open(online = false): OrderService {
  return createOrderService({ ledger, transport, clock, online, rate_limit: false, random: lcg() });
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-test-'));
  ledger = openLedger({ path: path.join(dir, 'wallet.db') });
  now = T0;
  seq = 0;
  clock = { now_ms: () => now, sleep: async (ms) => void (now += ms) };
  transport = new ScriptedTransport(clock);
  // 100 USD and 50 tokens settled.
  const r = ledger.ingest([
    ev({ type: 'deposit', amount_usd: '100' }),
    ev({
      type: 'period_open', period_id: 'p0', plan_id: 'standard', price_usd: '20', credits: '1000', face_value_usd: '0.02',
      starts_at: new Date(now).toISOString(), ends_at: new Date(now + 1000).toISOString(),
    }),
    ev({ type: 'mint', period_id: 'p0', tokens: '50', face_value_usd: '0.02', market_price_usd: '0.02', allocated_cost_usd: '1' }),
  ]);
  expect(r.applied).toBe(3);
  svc = open();
});

afterEach(async () => {
  await svc.close();
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const limitBuy = (price = '0.5', quantity = '10') => ({ side: 'buy', type: 'limit', price, quantity });

describe('order entry', () => {
  it('commits the order (UUIDv7 client id, deadline = expiry) before anything is sent', () => {
    const v = svc.place({ ...limitBuy(), expires_at: new Date(now + 60_000).toISOString() });
    expect(v.state).toBe('queued');
    expect(v.client_order_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(transport.calls).toHaveLength(0);
    const row = ledger.database().prepare('SELECT state, request FROM order_outbox WHERE client_order_id = ?').get(v.client_order_id) as {
      state: string;
      request: string;
    };
    expect(row.state).toBe('queued');
    expect(JSON.parse(row.request)).toMatchObject({ client_order_id: v.client_order_id, deadline: new Date(now + 60_000).toISOString(), time_in_force: 'GTC' });
  });

  it('GTD: the expiry is both the deadline and the end of the order on the book', () => {
    const at = new Date(now + 3_600_000).toISOString();
    const v = svc.place({ ...limitBuy(), time_in_force: 'GTD', expires_at: at });
    const req = JSON.parse(ledger.database().prepare('SELECT request FROM order_outbox').pluck().get() as string) as OrderRequest;
    expect(req).toMatchObject({ time_in_force: 'GTD', deadline: at, expire_at: at });
    expect(v.time_in_force).toBe('GTD');
    expect(() => svc.place({ side: 'buy', type: 'market', quantity: '1', protection_price: '1', time_in_force: 'GTD' })).toThrow(/IOC or FOK/);
  });

  it('returns views that match the exported zod schemas', () => {
    svc.place(limitBuy());
    svc.place({ side: 'sell', type: 'market', quantity: '1', protection_price: '0.01' });
    for (const v of svc.list()) expect(OrderViewSchema.parse(v)).toEqual(v);
    expect(AvailableViewSchema.parse(svc.available())).toEqual(svc.available());
  });

  it('defaults the expiry to 24 h', () => {
    const v = svc.place(limitBuy());
    expect(Date.parse(v.expires_at) - now).toBe(24 * 3600 * 1000);
  });

  it('refuses a market order without a protection price, with the reason', () => {
    expect(() => svc.place({ side: 'buy', type: 'market', quantity: '1' })).toThrow(/protection price/);
    try {
      svc.place({ side: 'sell', type: 'market', quantity: '1' });
    } catch (e) {
      expect((e as OrderEntryError).code).toBe('invalid_input');
    }
    expect(svc.list()).toHaveLength(0);
  });

  it('refuses bad input with specific messages and writes nothing', () => {
    expect(() => svc.place({ side: 'buy', type: 'limit', quantity: '1' })).toThrow(/needs a price/);
    expect(() => svc.place(limitBuy('0.5', '1.001'))).toThrow(/lot size/);
    expect(() => svc.place(limitBuy('0.00001', '1'))).toThrow(/tick size/);
    expect(() => svc.place({ ...limitBuy(), quantity: 1 })).toThrow(OrderEntryError);
    expect(() => svc.place({ ...limitBuy(), expires_at: new Date(now + 1000).toISOString() })).toThrow(/at least 5 s/);
    expect(svc.list()).toHaveLength(0);
  });

  it('refuses to overspend, counting queued orders, with a clear message (offline too)', () => {
    svc.place(limitBuy('5', '15')); // 75 + 0.15 fee held
    expect(svc.available().usd).toEqual({ settled: '100', reserved: '75.15', available: '24.85' });
    expect(() => svc.place(limitBuy('5', '5'))).toThrow(/needs 25.05 USD \(fee included\) but only 24.85 USD is available/);
    expect(() => svc.place({ side: 'sell', type: 'limit', price: '1', quantity: '60' })).toThrow(/needs 60 tokens but only 50/);
    svc.place({ side: 'sell', type: 'limit', price: '1', quantity: '50' });
    expect(svc.available().token.available).toBe('0');
    expect(svc.list()).toHaveLength(2);
  });

  it('reserves market buys at the protection price', () => {
    svc.place({ side: 'buy', type: 'market', quantity: '10', protection_price: '2' });
    expect(svc.available().usd.reserved).toBe('20.04');
  });
});

describe('sending', () => {
  it('sends in queue order when online and adopts the platform state', async () => {
    const a = svc.place(limitBuy('0.5', '1'));
    const b = svc.place(limitBuy('0.5', '2'));
    svc.setOnline(true);
    const r = await svc.drain();
    expect(r.sent).toBe(2);
    expect(transport.calls.map((c) => c.id)).toEqual([a.client_order_id, b.client_order_id]);
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'open', order_id: 'ord_1' });
    expect(svc.queue()).toHaveLength(0);
  });

  it('keeps a final rejection with its reason and sends the orders behind it', async () => {
    const a = svc.place(limitBuy('0.5', '1'));
    const b = svc.place(limitBuy('0.5', '2'));
    transport.script = ['reject'];
    svc.setOnline(true);
    await svc.drain();
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'rejected', reason: 'insufficient_funds: order needs more USD' });
    expect(svc.get(b.client_order_id).state).toBe('open');
    expect(svc.available().usd.reserved).toBe('1.002'); // the rejected one holds nothing
  });

  it('honours Retry-After: nothing is sent before it has passed', async () => {
    const a = svc.place(limitBuy());
    transport.script = ['429'];
    svc.setOnline(true);
    const r = await svc.drain();
    expect(svc.get(a.client_order_id).state).toBe('queued');
    expect(r.next_due_ms).toBe(now + 5000);
    now += 4999;
    await svc.drain();
    expect(transport.calls).toHaveLength(1);
    now += 1;
    await svc.drain();
    expect(transport.calls).toHaveLength(2);
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'open', attempts: 0 });
  });

  it('keeps a Retry-After across a reconnect and a restart', async () => {
    svc.place(limitBuy());
    transport.script = ['429'];
    svc.setOnline(true);
    await svc.drain();
    svc.setOnline(false);
    svc.setOnline(true);
    now += 1000;
    await svc.drain();
    expect(transport.calls).toHaveLength(1);
    svc.abandon();
    svc = open(true);
    now += 3999;
    await svc.drain();
    expect(transport.calls).toHaveLength(1);
    now += 1;
    await svc.drain();
    expect(transport.calls).toHaveLength(2);
  });

  it('retries transient failures with growing backoff, and gives up after the limit', async () => {
    const a = svc.place(limitBuy());
    transport.script = Array<Behaviour>(MAX_SEND_ATTEMPTS).fill('503');
    svc.setOnline(true);
    const gaps: number[] = [];
    for (let i = 0; i < MAX_SEND_ATTEMPTS; i++) {
      const r = await svc.drain();
      if (r.next_due_ms !== null) {
        gaps.push(r.next_due_ms - now);
        now = r.next_due_ms;
      }
    }
    expect(transport.calls).toHaveLength(MAX_SEND_ATTEMPTS);
    expect(gaps[1]!).toBeGreaterThan(gaps[0]!);
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'rejected' });
    expect(svc.get(a.client_order_id).reason).toMatch(/gave up after 12 failed attempts/);
  });

  it('resolves a lost answer by lookup, never by a blind resend', async () => {
    const a = svc.place(limitBuy());
    transport.script = ['drop_response'];
    svc.setOnline(true);
    await svc.drain();
    expect(svc.get(a.client_order_id).state).toBe('unknown');
    now += 60_000;
    await svc.drain();
    expect(transport.calls.map((c) => c.op)).toEqual(['create', 'lookup']);
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'open', order_id: 'ord_1' });
  });

  it('resends after a lookup finds nothing', async () => {
    const a = svc.place(limitBuy());
    transport.script = ['unknown'];
    svc.setOnline(true);
    await svc.drain();
    now += 60_000;
    await svc.drain();
    expect(transport.calls.map((c) => c.op)).toEqual(['create', 'lookup', 'create']);
    expect(svc.get(a.client_order_id).state).toBe('open');
  });

  it('after a crash while sending, looks the order up before any resend', async () => {
    const a = svc.place(limitBuy());
    transport.script = ['hang'];
    svc.setOnline(true);
    void svc.drainOnce();
    await new Promise((r) => setTimeout(r, 5));
    svc.abandon(); // the process dies with the request in flight
    expect(ledger.database().prepare('SELECT state FROM order_outbox').pluck().get()).toBe('sending');
    svc = open(true);
    expect(svc.get(a.client_order_id).state).toBe('unknown');
    await svc.drain();
    expect(transport.calls.map((c) => c.op)).toEqual(['create', 'lookup', 'create']);
  });

  it('never sends a stale order: expired before it could be sent', async () => {
    const a = svc.place({ ...limitBuy(), expires_at: new Date(now + 10_000).toISOString() });
    now += 10_001;
    svc.setOnline(true);
    await svc.drain();
    expect(transport.calls).toHaveLength(0);
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'expired', reason: 'expired before it could be sent' });
  });

  it('expires a stale queued order while offline too, and says when the next one goes stale', async () => {
    const a = svc.place({ ...limitBuy(), expires_at: new Date(now + 10_000).toISOString() });
    const b = svc.place({ ...limitBuy(), expires_at: new Date(now + 20_000).toISOString() });
    expect((await svc.drainOnce()).next_expiry_ms).toBe(now + 10_001);
    now += 10_001;
    const r = await svc.drainOnce();
    expect(svc.get(a.client_order_id).state).toBe('expired');
    expect(svc.get(b.client_order_id).state).toBe('queued');
    expect(r.next_expiry_ms).toBe(T0 + 20_001);
    expect(svc.available().usd.reserved).toBe('5.01');
    expect(transport.calls).toHaveLength(0);
  });

  it('signs when sending, not when queueing (through the platform client)', async () => {
    const seen: string[] = [];
    const client = new PlatformClient({
      base_url: 'http://127.0.0.1:1',
      credentials: { key_id: 'key_1', secret: 's' },
      timeout_ms: 1000,
      now_ms: () => now,
      fetch: async (_url, init) => {
        seen.push(init.headers['x-timestamp']!);
        const req = JSON.parse(init.body!) as OrderRequest;
        const order = { ...(await new ScriptedTransport(clock).createOrder(req)).order };
        return { status: 201, headers: { get: () => null }, text: async () => JSON.stringify(order) };
      },
    });
    await svc.close();
    svc = createOrderService({ ledger, transport: platformClientTransport(client), clock, rate_limit: false });
    svc.place(limitBuy());
    now += 3_600_000;
    svc.setOnline(true);
    await svc.drain();
    expect(seen).toEqual([String(T0 + 3_600_000)]);
  });

  it('maps platform client errors to outcomes', async () => {
    const { toTransportError } = await import('../../electron/services/orders/index.js');
    const pe = (status: number, code: string) => new PlatformError({ status, code, message: code });
    expect(toTransportError(pe(0, 'timeout')).outcome).toBe('unknown');
    expect(toTransportError(pe(429, 'rate_limited')).outcome).toBe('transient');
    expect(toTransportError(pe(500, 'internal_error')).outcome).toBe('transient');
    expect(toTransportError(pe(504, 'gateway_timeout')).outcome).toBe('unknown');
    expect(toTransportError(pe(422, 'deadline_passed')).outcome).toBe('final');
    expect(toTransportError(pe(404, 'order_not_found')).outcome).toBe('not_found');
    expect(toTransportError(new Error('boom')).outcome).toBe('unknown');
  });
});

describe('cancel', () => {
  it('cancels a queued order locally; it is never sent', async () => {
    const a = svc.place(limitBuy());
    expect(svc.cancel(a.client_order_id)).toMatchObject({ state: 'canceled', reason: 'canceled before it was sent' });
    svc.setOnline(true);
    await svc.drain();
    expect(transport.calls).toHaveLength(0);
    expect(svc.available().usd.reserved).toBe('0');
    expect(() => svc.cancel(a.client_order_id)).toThrow(/already canceled/);
  });

  it('queues a cancel of an open order while offline and sends it on reconnect', async () => {
    const a = svc.place(limitBuy());
    svc.setOnline(true);
    await svc.drain();
    svc.setOnline(false);
    expect(svc.cancel(a.client_order_id)).toMatchObject({ state: 'open', cancel_requested: true });
    expect(svc.queue().map((o) => o.client_order_id)).toEqual([a.client_order_id]);
    await svc.drain();
    expect(transport.calls.map((c) => c.op)).toEqual(['create']);
    svc.setOnline(true);
    await svc.drain();
    expect(transport.calls.map((c) => c.op)).toEqual(['create', 'cancel']);
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'canceled', cancel_requested: false });
  });

  it('a cancel of an order whose send is unresolved: canceled locally if it never arrived', async () => {
    const a = svc.place(limitBuy());
    transport.script = ['unknown'];
    svc.setOnline(true);
    await svc.drain();
    svc.cancel(a.client_order_id);
    now += 60_000;
    await svc.drain();
    expect(transport.calls.map((c) => c.op)).toEqual(['create', 'lookup']);
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'canceled', reason: 'canceled before it reached the platform' });
  });
});

describe('feed convergence and storage', () => {
  it('follows order events from the ledger, monotonically', async () => {
    const a = svc.place(limitBuy('0.5', '10'));
    svc.setOnline(true);
    await svc.drain();
    const base = { order_id: 'ord_1', client_order_id: a.client_order_id, side: 'buy', order_type: 'limit', price_usd: '0.5', quantity: '10', reason: null };
    ledger.ingest([
      ev({ type: 'fill', trade_id: 't1', order_id: 'ord_1', client_order_id: a.client_order_id, side: 'buy', price_usd: '0.5', quantity: '4', fee_usd: '0.004', liquidity: 'maker' }),
      ev({ type: 'order', ...base, status: 'partially_filled', filled_quantity: '4' }),
    ]);
    expect(svc.refresh()).toBe(1);
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'partially_filled', filled_quantity: '4' });
    // settled 100 − 2.004; 6 remaining at 0.5 + fee held.
    expect(svc.available().usd).toEqual({ settled: '97.996', reserved: '3.006', available: '94.99' });
    ledger.ingest([ev({ type: 'order', ...base, status: 'canceled', filled_quantity: '4', reason: 'canceled_by_user' })]);
    svc.refresh();
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'canceled', reason: 'canceled_by_user' });
    expect(svc.available().usd.reserved).toBe('0');
  });

  it('converges from the ledger pipe (onApplied) without a refresh, and names orders placed elsewhere', async () => {
    const off = ledger.onApplied((b) => svc.onLedgerApplied(b));
    const changes: OrderChange[] = [];
    svc.subscribe((c) => changes.push(c));
    const a = svc.place(limitBuy('0.5', '10'));
    svc.setOnline(true);
    await svc.drain();
    changes.length = 0;
    const base = { order_id: 'ord_1', client_order_id: a.client_order_id, side: 'buy', order_type: 'limit', price_usd: '0.5', quantity: '10', reason: null };
    ledger.ingest([
      ev({ type: 'fill', trade_id: 't1', order_id: 'ord_1', client_order_id: a.client_order_id, side: 'buy', price_usd: '0.5', quantity: '4', fee_usd: '0.004', liquidity: 'maker' }),
      ev({ type: 'order', ...base, status: 'partially_filled', filled_quantity: '4' }),
      ev({ type: 'order', order_id: 'ord_x', client_order_id: 'elsewhere-1', side: 'sell', order_type: 'limit', price_usd: '0.9', quantity: '1', reason: null, status: 'open', filled_quantity: '0' }),
    ]);
    expect(changes).toEqual([{ kind: 'orders', client_order_ids: [a.client_order_id], external_order_ids: ['ord_x'], from_feed: true }]);
    expect(svc.get(a.client_order_id)).toMatchObject({ state: 'partially_filled', filled_quantity: '4' });
    const v = svc.views([a.client_order_id], ['ord_x']);
    expect(v.orders.map((o) => o.filled_quantity)).toEqual(['4']);
    expect(v.external.map((o) => o.order_id)).toEqual(['ord_x']);
    // Nothing left for the catch-up path: the pipe already converged it.
    expect(svc.refresh()).toBe(0);
    ledger.ingest([ev({ type: 'order', order_id: 'ord_x', client_order_id: 'elsewhere-1', side: 'sell', order_type: 'limit', price_usd: '0.9', quantity: '1', reason: 'canceled_by_user', status: 'canceled', filled_quantity: '0' })]);
    expect(svc.views([], ['ord_x'])).toEqual({ orders: [], external: [], external_ended: ['ord_x'] });
    off();
  });

  it('its tables come with the one schema version (no outbox_meta) and survive a reopen', async () => {
    const db = ledger.database();
    const user_version = db.pragma('user_version', { simple: true });
    expect(user_version).toBe(LATEST_VERSION);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'outbox_meta'`).pluck().get()).toBe(0);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const a = svc.place(limitBuy());
    await svc.close();
    ledger.close();
    ledger = openLedger({ path: path.join(dir, 'wallet.db') });
    svc = open();
    expect(svc.get(a.client_order_id).state).toBe('queued');
    expect(ledger.database().pragma('user_version', { simple: true })).toBe(user_version);
  });

  it('tells subscribers what changed', async () => {
    const changes: unknown[] = [];
    svc.subscribe((c) => changes.push(c));
    const a = svc.place(limitBuy());
    svc.setOnline(true);
    await svc.drain();
    expect(changes).toContainEqual({ kind: 'orders', client_order_ids: [a.client_order_id], external_order_ids: [], from_feed: false });
    expect(changes).toContainEqual({ kind: 'status', online: true, paused_until_ms: null });
  });
});
