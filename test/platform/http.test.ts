// The HTTP + WebSocket layer over loopback: auth, isolation on every private route,
// malformed input on every route (never a 5xx, never a write), rate limits, OpenAPI,
// and the wallet's client and stream end to end.
import http from 'node:http';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../platform/index.js';
import { describeEngines } from '../support/engines.js';
import { ROUTES } from '../../platform/http/routes.js';
import { sign } from '../../platform/auth/signing.js';
import { AccountEvent } from '../../shared/platform/events.js';
import { PlatformClient, PlatformError, PlatformStream } from '../../electron/services/platform-client/index.js';

let p: RunningPlatform;
let A: { account_id: string; key_id: string; secret: string };
let B: { account_id: string; key_id: string; secret: string };
let ordA: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function user(core: RunningPlatform['core']) {
  const { account_id } = core.createAccount({ start_ms: core.now_ms() - core.config.period_ms });
  core.tick();
  core.deposit(account_id, '1000');
  return { account_id, ...core.createApiKey(account_id) };
}

async function raw(method: string, path: string, opts: { body?: string; cred?: typeof A; ts?: number; headers?: Record<string, string>; sig?: string } = {}) {
  const body = opts.body ?? '';
  const headers: Record<string, string> = {
    ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...opts.headers,
  };
  if (opts.cred) {
    const ts = opts.ts ?? Date.now();
    headers['x-api-key'] = opts.cred.key_id;
    headers['x-timestamp'] = String(ts);
    headers['x-signature'] = opts.sig ?? sign(opts.cred.secret, ts, method, path, body);
  }
  // node:http rather than fetch: fetch refuses bodies on GET, and the fuzz wants to send them.
  const res = await new Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(p.url + path, { method, headers, agent }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString(), headers: r.headers }));
      r.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
  const text = res.text;
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return {
    status: res.status,
    json: json as { error?: { code: string; message: string } } & Record<string, unknown>,
    headers: { get: (k: string) => String(res.headers[k.toLowerCase()] ?? '') },
  };
}

describeEngines('platform over HTTP', (engine) => {
  beforeAll(async () => {
    p = await engine.platform({ rate_limit: false, config: { paranoid: true }, ws: { heartbeat_ms: 200 } });
    A = user(p.core);
    B = user(p.core);
    ordA = p.core.placeOrder(A.account_id, { client_order_id: 'a-1', side: 'buy', type: 'limit', price: '0.01', quantity: '10', time_in_force: 'GTC' }).order.order_id;
  });
  afterAll(async () => {
    agent.destroy();
    await p.close();
  });

  const privateRoutes = ROUTES.filter((r) => r.auth);
  const concrete = (path: string) => path.replace(':client_order_id', 'a-1').replace(':id', 'ORDER');

  describe('auth', () => {
    it('refuses missing headers, unknown keys, bad signatures, stale timestamps and replays on every private route', async () => {
      for (const r of privateRoutes) {
        const path = concrete(r.path).replace('ORDER', ordA);
        expect((await raw(r.method, path)).json.error?.code, `${r.method} ${r.path}`).toBe('missing_auth');
        expect((await raw(r.method, path, { cred: { ...A, key_id: 'key_nope' } })).json.error?.code).toBe('invalid_api_key');
        expect((await raw(r.method, path, { cred: A, sig: 'ab'.repeat(32) })).json.error?.code).toBe('invalid_signature');
        expect((await raw(r.method, path, { cred: { ...A, secret: B.secret } })).status).toBe(401);
        const stale = await raw(r.method, path, { cred: A, ts: Date.now() - 31_000 });
        expect(stale.status).toBe(401);
        expect(stale.json.error?.code).toBe('stale_timestamp');
        expect((await raw(r.method, path, { cred: A, ts: Date.now() + 31_000 })).json.error?.code).toBe('stale_timestamp');
      }
      // A signature covers the body: change the body, keep the signature.
      const ts = Date.now();
      const sig = sign(A.secret, ts, 'POST', '/v1/deposits', '{"amount_usd":"1"}');
      const tampered = await raw('POST', '/v1/deposits', { body: '{"amount_usd":"900"}', cred: A, ts, sig });
      expect(tampered.json.error?.code).toBe('invalid_signature');
      // Replaying a valid request is refused.
      const body = '{"amount_usd":"1"}';
      const sig2 = sign(A.secret, ts, 'POST', '/v1/deposits', body);
      expect((await raw('POST', '/v1/deposits', { body, cred: A, ts, sig: sig2 })).status).toBe(201);
      expect((await raw('POST', '/v1/deposits', { body, cred: A, ts, sig: sig2 })).json.error?.code).toBe('replayed_request');
      // Reads may repeat (two identical polls signed in the same millisecond).
      const sig3 = sign(A.secret, ts, 'GET', '/v1/balances', '');
      expect((await raw('GET', '/v1/balances', { cred: A, ts, sig: sig3 })).status).toBe(200);
      expect((await raw('GET', '/v1/balances', { cred: A, ts, sig: sig3 })).status).toBe(200);
    });
  });

  describe('isolation', () => {
    it('account B cannot see or act on A on any private route', async () => {
      const before = p.core.getEvents(A.account_id, 0, 5000);
      const covered = new Set<string>();
      const asB = (method: string, path: string, body?: unknown) => raw(method, path, { cred: B, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const check = async (method: string, template: string, path: string, body?: unknown) => {
        covered.add(`${method} ${template}`);
        const r = await asB(method, path, body);
        expect(JSON.stringify(r.json)).not.toContain(A.account_id);
        return r;
      };
      expect((await check('GET', '/v1/account', '/v1/account')).json.account_id).toBe(B.account_id);
      expect((await check('GET', '/v1/subscription', '/v1/subscription')).json.account_id).toBe(B.account_id);
      await check('PUT', '/v1/periods/current/election', '/v1/periods/current/election', { election: 'renewal_credit' });
      await check('POST', '/v1/usage', '/v1/usage', { credits: '1' });
      await check('POST', '/v1/redemptions', '/v1/redemptions', { tokens: '1' });
      await check('POST', '/v1/deposits', '/v1/deposits', { amount_usd: '1' });
      await check('POST', '/v1/withdrawals', '/v1/withdrawals', { amount_usd: '1' });
      await check('GET', '/v1/balances', '/v1/balances');
      const evs = await check('GET', '/v1/events', '/v1/events?after=0');
      expect((evs.json.events as { account_id: string }[]).every((e) => e.account_id === B.account_id)).toBe(true);
      // B's own order with A's client_order_id is B's, not A's.
      const mine = await check('POST', '/v1/orders', '/v1/orders', { client_order_id: 'a-1', side: 'buy', type: 'limit', price: '0.011', quantity: '1', time_in_force: 'GTC' });
      expect(mine.status).toBe(201);
      expect((await check('GET', '/v1/orders', '/v1/orders?status=all')).json.orders).toEqual([expect.objectContaining({ account_id: B.account_id })]);
      expect((await check('GET', '/v1/orders/:id', `/v1/orders/${ordA}`)).json.error?.code).toBe('order_not_found');
      expect((await check('GET', '/v1/orders/by-client-id/:client_order_id', '/v1/orders/by-client-id/a-1')).json.price).toBe('0.011');
      expect((await check('DELETE', '/v1/orders/:id', `/v1/orders/${ordA}`)).json.error?.code).toBe('order_not_found');
      // Every private route was tried, and A saw nothing happen.
      expect([...covered].sort()).toEqual(privateRoutes.map((r) => `${r.method} ${r.path}`).sort());
      expect(p.core.getEvents(A.account_id, 0, 5000)).toEqual(before);
      expect(p.core.getOrder(A.account_id, ordA).status).toBe('open');
    });
  });

  describe('bad input on every route', () => {
    const bodies = [
      '',
      'not json',
      '{',
      'null',
      '[]',
      '"str"',
      '42',
      '{}',
      '{"unknown_field":1}',
      '{"amount_usd":12.5}',
      '{"amount_usd":"-5"}',
      '{"amount_usd":"1e9"}',
      '{"amount_usd":"99999999999999999999999999999999999999999"}',
      '{"credits":"0"}',
      '{"tokens":"0.001"}',
      '{"election":"both"}',
      '{"client_order_id":"x y","side":"buy","type":"limit","price":"1","quantity":"1","time_in_force":"GTC"}',
      '{"client_order_id":"z","side":"buy","type":"limit","price":0.02,"quantity":"1","time_in_force":"GTC"}',
      '{"client_order_id":"z","side":"buy","type":"limit","price":"0.02","quantity":"1","time_in_force":"GTC","extra":true}',
      '{"client_order_id":"z","side":"buy","type":"limit","price":"-1","quantity":"1","time_in_force":"GTC"}',
      '{"client_order_id":"z","side":"buy","type":"stop","price":"1","quantity":"1","time_in_force":"GTC"}',
      '{"client_order_id":"z","side":"buy","type":"limit","price":"1","quantity":"1","time_in_force":"GTD","expire_at":"tomorrow"}',
      '{"__proto__":{"admin":true}}',
      JSON.stringify({ amount_usd: 'x'.repeat(5000) }),
    ];
    const queries = ['', '?limit=-1', '?limit=abc', '?limit=99999999', '?after=1.5', '?interval=2m', '?before=x', '?depth=0', '?status=closed', '?nope=1', '?limit=1&limit=2'];

    it('answers 4xx with a code, never 5xx, and writes nothing', async () => {
      const seqA = p.core.lastSeq(A.account_id);
      const totals = p.core.totals();
      let n = 0;
      for (const r of ROUTES) {
        const path = concrete(r.path).replace('ORDER', 'ord_999999');
        for (const q of queries) {
          for (const body of r.body ? bodies : ['', '{"a":1}']) {
            const res = await raw(r.method, path + q, { body, cred: A });
            n++;
            expect(res.status, `${r.method} ${path}${q} ${body.slice(0, 60)} -> ${JSON.stringify(res.json)}`).toBeLessThan(500);
            if (res.status >= 400) {
              expect(res.json.error?.code, `${r.method} ${path}${q} ${body.slice(0, 60)} -> ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`).toMatch(/^[a-z][a-z0-9_]*$/);
              expect(typeof res.json.error?.message).toBe('string');
            }
          }
        }
      }
      expect(n).toBeGreaterThan(500);
      expect(p.core.lastSeq(A.account_id)).toBe(seqA);
      expect(p.core.totals()).toEqual(totals);
      p.core.checkInvariants();
    });

    it('survives random JSON bodies and random values under the right keys (fast-check)', async () => {
      const seqA = p.core.lastSeq(A.account_id);
      const keys: Record<string, string[]> = {
        '/v1/periods/current/election': ['election'],
        '/v1/usage': ['credits', 'description'],
        '/v1/redemptions': ['tokens'],
        '/v1/deposits': ['amount_usd'],
        '/v1/withdrawals': ['amount_usd'],
        '/v1/orders': ['client_order_id', 'side', 'type', 'price', 'quantity', 'time_in_force', 'expire_at', 'post_only', 'deadline', 'protection_price'],
      };
      let accepted = 0;
      const value = fc.oneof(fc.jsonValue(), fc.string(), fc.constantFrom('-1', '0', '1e3', '0.000000001', 'NaN', '', ' 1', '1 ', '9'.repeat(41)));
      for (const r of ROUTES.filter((x) => x.body)) {
        const names = keys[r.path]!;
        const bodies = [
          ...fc.sample(fc.jsonValue(), { numRuns: 25, seed: 1 }).map((v) => JSON.stringify(v) ?? 'null'),
          ...fc.sample(fc.dictionary(fc.constantFrom(...names), value), { numRuns: 25, seed: 2 }).map((v) => JSON.stringify(v)),
        ];
        for (const body of bodies) {
          const res = await raw(r.method, r.path, { body, cred: A });
          expect(res.status, `${r.method} ${r.path} ${body.slice(0, 80)}`).toBeLessThan(500);
          if (res.status >= 400) expect(res.json.error?.code).toMatch(/^[a-z][a-z0-9_]*$/);
          else accepted++;
        }
      }
      // Refusals write nothing: with no accepted request, A's feed did not move.
      if (accepted === 0) expect(p.core.lastSeq(A.account_id)).toBe(seqA);
      p.core.checkInvariants();
    });

    it('the WebSocket answers malformed messages with an error and stays usable', async () => {
      const ws = new WebSocket(p.url.replace('http', 'ws') + '/v1/ws');
      const got: { type: string; code?: string }[] = [];
      // Heartbeats are the server's own, on its timer, and may land between the answers; the
      // challenge is the server's first message on every connection.
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { type: string; code?: string };
        if (m.type !== 'heartbeat' && m.type !== 'challenge') got.push(m);
      });
      await new Promise((r) => ws.once('open', r));
      for (const m of ['nope', '{}', '{"op":"subscribe","channels":["events"]}', '{"op":"auth","key_id":"x","timestamp":1,"signature":"zz"}', '[1,2]', '{"op":"ping"}']) ws.send(m);
      const deadline = Date.now() + 3000;
      while (got.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(got.slice(0, 6).map((m) => m.code ?? m.type)).toEqual(['malformed_json', 'validation_failed', 'auth_required', 'validation_failed', 'validation_failed', 'pong']);
      ws.close();
    });

    it('refuses oversized bodies, unknown routes and wrong methods with codes', async () => {
      const big = JSON.stringify({ amount_usd: '1', pad: 'x'.repeat(70 * 1024) });
      expect((await raw('POST', '/v1/deposits', { body: big, cred: A })).json.error?.code).toBe('body_too_large');
      expect((await raw('GET', '/v1/nothing')).json.error?.code).toBe('not_found');
      const wrong = await raw('PATCH', '/v1/orders');
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toContain('POST');
      expect((await raw('POST', '/v1/deposits', { body: '{"amount_usd":"1"}', cred: A, headers: { 'content-type': 'text/plain' } })).json.error?.code).toBe(
        'unsupported_media_type',
      );
      expect((await raw('GET', '/v1/orders/bad%20id', { cred: A })).json.error?.code).toBe('invalid_path_parameter');
    });
  });

  describe('group commit', () => {
    it('a burst of concurrent requests commits the accepted ones and refuses the rest, independently', async () => {
      const C = user(p.core);
      const c = new PlatformClient({ base_url: p.url, credentials: C, timeout_ms: 10_000 });
      const seq0 = p.core.lastSeq(C.account_id);
      p.core.placeOrder(B.account_id, { client_order_id: 'burst-ask', side: 'sell', type: 'limit', price: '0.02', quantity: '5', time_in_force: 'GTC' });
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++) {
        if (i % 4 === 0) jobs.push(c.withdraw({ amount_usd: '999999' })); // refused: insufficient funds
        else if (i % 4 === 1) jobs.push(c.deposit({ amount_usd: '1.5' }));
        else if (i % 4 === 2) jobs.push(c.placeOrder({ client_order_id: `burst-${i}`, side: 'sell', type: 'limit', price: '0.03', quantity: '1', time_in_force: 'GTC' }));
        else jobs.push(c.placeOrder({ client_order_id: `burst-${i}`, side: 'buy', type: 'market', quantity: '1', time_in_force: 'IOC', protection_price: '0.05' }));
      }
      const results = await Promise.allSettled(jobs);
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as PlatformError);
      expect(refused.map((e) => e.code)).toEqual(Array(10).fill('insufficient_funds'));
      const page = await c.getEvents({ after: seq0 });
      expect(page.events.map((e) => e.seq)).toEqual(page.events.map((_, i) => seq0 + i + 1));
      expect(page.events.filter((e) => e.type === 'deposit')).toHaveLength(10);
      expect(page.events.filter((e) => e.type === 'withdrawal')).toHaveLength(0);
      // B's 5 tokens at 0.02 are taken; after that C's market buys meet C's own asks (self-trade prevention).
      expect(page.events.filter((e) => e.type === 'fill').map((e) => (e as { quantity: string }).quantity)).toEqual(Array(5).fill('1'));
      p.core.checkInvariants();
      for (const o of (await c.listOrders()).orders) await c.cancelOrder(o.order_id);
    });
  });

  describe('OpenAPI', () => {
    it('serves an OpenAPI 3.1 document covering every route', async () => {
      const r = await raw('GET', '/openapi.json');
      expect(r.status).toBe(200);
      const doc = r.json as unknown as { openapi: string; paths: Record<string, Record<string, unknown>> };
      expect(doc.openapi).toBe('3.1.0');
      for (const route of ROUTES) {
        const path = route.path.replace(/:([a-z_]+)/g, '{$1}');
        expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
      }
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After once the bucket is empty', async () => {
      const q = await engine.platform({ rate_limit: { private_capacity: 3, private_refill_per_s: 0.01, public_capacity: 2, public_refill_per_s: 0.01 } });
      try {
        const statuses: number[] = [];
        let retry: string | null = null;
        for (let i = 0; i < 4; i++) {
          const res = await fetch(q.url + '/v1/ticker');
          statuses.push(res.status);
          if (res.status === 429) {
            retry = res.headers.get('retry-after');
            expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
          } else await res.text();
        }
        expect(statuses).toEqual([200, 200, 429, 429]);
        expect(Number(retry)).toBeGreaterThanOrEqual(1);
        const { account_id } = q.core.createAccount();
        const c = new PlatformClient({ base_url: q.url, credentials: q.core.createApiKey(account_id), timeout_ms: 5000 });
        for (let i = 0; i < 3; i++) await c.getBalances();
        const err = await c.getBalances().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PlatformError);
        expect((err as PlatformError).transient).toBe(true);
        expect((err as PlatformError).retry_after_ms).toBeGreaterThanOrEqual(1000);
      } finally {
        await q.close();
      }
    });
  });

  describe('wallet client and stream', () => {
    it('covers every route with validated responses and typed errors', async () => {
      const c = new PlatformClient({ base_url: p.url, credentials: { key_id: A.key_id, secret: A.secret }, timeout_ms: 5000 });
      expect(await c.getMarket()).toMatchObject({ tick_size: '0.0001', base_symbol: 'CMPT', display_name: 'Compute token' });
      expect((await c.getAccount()).account_id).toBe(A.account_id);
      expect((await c.setElection('renewal_credit')).current_period.election).toBe('renewal_credit');
      expect((await c.recordUsage({ credits: '12.5' })).period.used_credits).toBe('12.5');
      expect((await c.redeem({ tokens: '10' })).tokens).toBe('10');
      expect((await c.deposit({ amount_usd: '5' })).amount_usd).toBe('5');
      expect((await c.withdraw({ amount_usd: '5' })).fee_usd).toBe('0.25');
      const req = { client_order_id: 'cli-1', side: 'sell' as const, type: 'limit' as const, price: '0.05', quantity: '3', time_in_force: 'GTC' as const };
      const placed = await c.placeOrder(req);
      expect(placed.created).toBe(true);
      expect(await c.placeOrder(req)).toEqual({ order: placed.order, created: false });
      const conflict = await c.placeOrder({ ...req, quantity: '4' }).catch((e: unknown) => e as PlatformError);
      expect(conflict).toMatchObject({ status: 409, code: 'client_order_id_conflict', transient: false });
      expect((await c.getOrderByClientId('cli-1')).order_id).toBe(placed.order.order_id);
      expect((await c.getOrder(placed.order.order_id)).status).toBe('open');
      expect((await c.listOrders()).orders.length).toBeGreaterThanOrEqual(2);
      expect((await c.getBook()).asks[0]).toEqual(['0.05', '3']);
      expect((await c.cancelOrder(placed.order.order_id)).status).toBe('canceled');
      const bal = await c.getBalances();
      const page = await c.getEvents({ after: 0 });
      expect(page.last_seq).toBe(bal.as_of_seq);
      expect(page.events.map((e) => e.seq)).toEqual(page.events.map((_, i) => i + 1));
      expect((await c.getEvents({ after: 2, limit: 1 })).events.map((e) => e.seq)).toEqual([3]);
      await c.getTicker();
      await c.getCandles({ interval: '1h' });
      await c.getTrades({ limit: 5 });
      const late = await c
        .placeOrder({ ...req, client_order_id: 'cli-2', deadline: new Date(Date.now() - 1000).toISOString() })
        .catch((e: unknown) => e as PlatformError);
      expect(late).toMatchObject({ status: 422, code: 'deadline_passed', transient: false });
      const down = new PlatformClient({ base_url: 'http://127.0.0.1:1', credentials: A, timeout_ms: 2000 });
      const net = await down.getBalances().catch((e: unknown) => e as PlatformError);
      expect(net).toMatchObject({ status: 0, transient: true, outcome_unknown: true });
      const skewed = new PlatformClient({ base_url: p.url, credentials: A, timeout_ms: 2000, now_ms: () => Date.now() - 60_000 });
      expect(await skewed.getBalances().catch((e: unknown) => e)).toMatchObject({ status: 401, code: 'stale_timestamp', transient: false });
    });

    it('streams events, book deltas and heartbeats carrying last_seq', async () => {
      const s = new PlatformStream({ base_url: p.url, credentials: { key_id: B.key_id, secret: B.secret }, channels: ['events', 'book', 'trades'], timeout_ms: 5000 });
      const events: AccountEvent[] = [];
      const deltas: number[] = [];
      let snapshotSeq = -1;
      let lastHeartbeatSeq: number | null = null;
      s.on('event', (e) => events.push(e));
      s.on('book_snapshot', (b) => (snapshotSeq = b.seq));
      s.on('book_delta', (d) => deltas.push(d.seq));
      s.on('heartbeat', (h) => (lastHeartbeatSeq = h.last_seq));
      const ready = await s.connect();
      expect(ready.account_id).toBe(B.account_id);
      const c = new PlatformClient({ base_url: p.url, credentials: B, timeout_ms: 5000 });
      await c.deposit({ amount_usd: '2' });
      await c.placeOrder({ client_order_id: 'ws-1', side: 'buy', type: 'limit', price: '0.0123', quantity: '1', time_in_force: 'GTC' });
      const deadline = Date.now() + 3000;
      while ((events.length < 2 || lastHeartbeatSeq !== events[1]?.seq || deltas.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(events.map((e) => e.type)).toEqual(['deposit', 'order']);
      for (const e of events) AccountEvent.parse(e);
      expect(events[1]!.seq).toBe(events[0]!.seq + 1);
      expect(deltas[0]).toBe(snapshotSeq + 1);
      expect(lastHeartbeatSeq).toBe(events[1]!.seq);
      // The events over the socket are exactly the ones GET /v1/events returns.
      const page = await c.getEvents({ after: events[0]!.seq - 1 });
      expect(page.events).toEqual(events);
      await s.close();
      const anon = new PlatformStream({ base_url: p.url, channels: ['ticker'], timeout_ms: 5000 });
      await anon.connect();
      await anon.close();
      const bad = new PlatformStream({ base_url: p.url, credentials: { key_id: B.key_id, secret: A.secret }, channels: ['events'], timeout_ms: 5000 });
      await expect(bad.connect()).rejects.toMatchObject({ code: 'invalid_signature' });
    });
  });
});
