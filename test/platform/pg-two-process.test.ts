// Two API processes against one PostgreSQL: the writer (this process) and a reader (a child
// process, `--writer-url`). The same signed requests fired at both are each applied exactly
// once; the reader's event feed, trades and candles, read from PostgreSQL, equal the
// writer's; a second writer on the same store is refused. Skipped, with the reason, without PostgreSQL.
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { sign } from '../../platform/auth/signing.js';
import type { AccountEvent } from '../../shared/platform/events.js';
import { PlatformClient, PlatformStream } from '../../electron/services/platform-client/index.js';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { startReader } from '../../platform/http/reader.js';
import { cli } from '../support/platform-cli.js';
import { findPgBin } from '../support/pg-cluster.js';
import { freshSchemaUrl, pgCluster, keyDir } from '../support/engines.js';

const found = findPgBin();
const reason = 'missing' in found ? found.missing : '';

interface Reply {
  status: number;
  json: { error?: { code: string } } & Record<string, unknown>;
}

function send(base: string, method: string, target: string, body: string, headers: Record<string, string>, local?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const opts = { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(local ? { localAddress: local } : {}) };
    const req = http.request(base + target, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Reply['json'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(reason !== '')(`two API processes on one PostgreSQL${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let writer: RunningPlatform | undefined;
  afterAll(async () => {
    await writer?.close();
  });

  it('applies each signed request once, whichever process it reaches; the reader serves the feed from PostgreSQL', async () => {
    const url = await freshSchemaUrl((await pgCluster()).url);
    const key_file = path.join(keyDir(), 'secrets-key');
    writer = await startPlatform({ database_url: url, secrets_key_file: key_file, rate_limit: false });
    const core = writer.core;
    const { account_id } = core.createAccount({ start_ms: core.now_ms() - core.config.period_ms });
    core.tick(); // mints 1000 tokens
    core.deposit(account_id, '100');
    const cred = core.createApiKey(account_id);
    await core.durable();

    await expect(startPlatform({ database_url: url, secrets_key_file: key_file, writer_lock_wait_ms: 300 })).rejects.toThrow(/another platform writer holds this PostgreSQL store \(waited 300 ms/);

    const reader = cli(['--db', url, '--writer-url', writer.url, '--secrets-key', key_file, '--port', '0']);
    const readerUrl = await reader.listening;

    // Each request signed once and sent to both processes at the same moment.
    const requests: { method: string; target: string; body: string }[] = [];
    for (let i = 0; i < 8; i++) {
      requests.push({ method: 'POST', target: '/v1/deposits', body: JSON.stringify({ amount_usd: '1' }) });
      requests.push({ method: 'POST', target: '/v1/withdrawals', body: JSON.stringify({ amount_usd: '2' }) });
      requests.push({
        method: 'POST',
        target: '/v1/orders',
        body: JSON.stringify({ client_order_id: `c-${i}`, side: 'sell', type: 'limit', price: '0.05', quantity: '1', time_in_force: 'GTC' }),
      });
      requests.push({ method: 'POST', target: '/v1/redemptions', body: JSON.stringify({ tokens: '1' }) });
    }
    const t0 = Date.now();
    const pairs = await Promise.all(
      requests.map(async (r, i) => {
        const ts = t0 + i; // one timestamp per request: each is a distinct signed write
        const headers = { 'x-api-key': cred.key_id, 'x-timestamp': String(ts), 'x-signature': sign(cred.secret, ts, r.method, r.target, r.body) };
        return Promise.all([send(writer!.url, r.method, r.target, r.body, headers), send(readerUrl, r.method, r.target, r.body, headers)]);
      }),
    );
    for (const [a, b] of pairs) {
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([201, 401]);
      expect((a.status === 401 ? a : b).json.error?.code).toBe('replayed_request');
    }

    // Exactly once, as PostgreSQL records it: 8 deposits, 8 withdrawals (each with its fee), 8 orders, 8 redemptions.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const kinds = await db.query<{ type: string; n: number }>(
        `SELECT json::jsonb->>'type' AS type, count(*)::int AS n FROM events WHERE account_id = $1 GROUP BY 1 ORDER BY 1`,
        [account_id],
      );
      const byType = Object.fromEntries(kinds.rows.map((r) => [r.type, r.n]));
      expect(byType).toMatchObject({ deposit: 9, withdrawal: 8, fee: 8, redemption: 8, order: 8 });
      const orders = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE account_id = $1`, [account_id]);
      expect(orders.rows[0]!.n).toBe(8);
      const usd = await db.query<{ usd: string }>(`SELECT usd_total::text AS usd FROM accounts WHERE id = $1`, [account_id]);
      expect(usd.rows[0]!.usd).toBe('90000000'); // micros: 100 + 8 × 1 − 8 × (2 + 0.25 fee)
    } finally {
      await db.end();
    }

    // The reader's feed (from PostgreSQL) is the writer's, page by page.
    const page = async (base: string, after: number) => {
      const target = `/v1/events?after=${after}&limit=20`;
      const ts = Date.now();
      return send(base, 'GET', target, '', { 'x-api-key': cred.key_id, 'x-timestamp': String(ts), 'x-signature': sign(cred.secret, ts, 'GET', target, '') });
    };
    for (const after of [0, 20, 40]) {
      const [w, r] = [await page(writer.url, after), await page(readerUrl, after)];
      expect(r.status).toBe(200);
      expect(r.json).toEqual(w.json);
    }
    expect((await page(readerUrl, 0)).json.last_seq).toBe(core.lastSeq(account_id));
    // Public trades and candles from PostgreSQL, shaped as the writer shapes them.
    const buyer = core.createAccount().account_id;
    core.deposit(buyer, '100');
    expect(core.placeOrder(buyer, { client_order_id: 'b', side: 'buy', type: 'limit', price: '0.05', quantity: '3', time_in_force: 'GTC' }).order.status).toBe('filled');
    await core.durable();
    for (const target of ['/v1/trades?limit=10', '/v1/trades?before=3&limit=1', '/v1/candles?interval=1m', '/v1/candles?interval=1d&limit=5']) {
      const [w, r] = [await send(writer.url, 'GET', target, '', {}), await send(readerUrl, 'GET', target, '', {})];
      expect(r.status, target).toBe(200);
      expect(r.json, target).toEqual(w.json);
    }
    expect(((await send(readerUrl, 'GET', '/v1/trades', '', {})).json.trades as unknown[]).length).toBe(3);
    expect((await send(readerUrl, 'GET', '/v1/candles?interval=2m', '', {})).json.error?.code).toBe('invalid_query');

    const forged = await send(readerUrl, 'GET', '/v1/events', '', { 'x-api-key': cred.key_id, 'x-timestamp': String(Date.now()), 'x-signature': '00'.repeat(32) });
    expect(forged.json.error?.code).toBe('invalid_signature');

    // The wallet's client and stream pointed at the reader only: writes forwarded, the socket
    // relayed to the writer, the catch-up read from PostgreSQL; all agree.
    const stream = new PlatformStream({ base_url: readerUrl, credentials: cred, channels: ['events', 'book'], timeout_ms: 5000 });
    const streamed: AccountEvent[] = [];
    stream.on('event', (e) => streamed.push(e));
    expect((await stream.connect()).account_id).toBe(account_id);
    const client = new PlatformClient({ base_url: readerUrl, credentials: cred, timeout_ms: 5000 });
    await client.deposit({ amount_usd: '3' });
    const until = Date.now() + 5000;
    while (streamed.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(streamed.map((e) => e.type)).toEqual(['deposit']);
    expect((await client.getEvents({ after: streamed[0]!.seq - 1 })).events).toEqual(streamed);
    await stream.close();

    // The reader limits failed authentications as the writer does (20 per key and address).
    const forgedStatuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      forgedStatuses.push((await send(readerUrl, 'GET', '/v1/events', '', { 'x-api-key': cred.key_id, 'x-timestamp': String(Date.now()), 'x-signature': '11'.repeat(32) })).status);
    }
    expect(forgedStatuses.slice(0, 19).every((s) => s === 401)).toBe(true); // one failure was counted above
    expect(forgedStatuses.at(-1)).toBe(429);

    reader.child.kill('SIGTERM');
    await reader.out;
  }, 90_000);

  it('one client failing authentication through a reader does not block the reader\'s other clients at the writer', async () => {
    const url = await freshSchemaUrl((await pgCluster()).url);
    const key_file = path.join(keyDir(), 'secrets-key');
    // Limits on, the reader (127.0.0.1) trusted to name its clients.
    const w = await startPlatform({ database_url: url, secrets_key_file: key_file, trusted_proxies: ['127.0.0.1'] });
    const reader = await startReader({ database_url: url, writer_url: w.url, secrets_key_file: key_file });
    try {
      const [a, b] = [0, 1].map(() => {
        const { account_id } = w.core.createAccount();
        return w.core.createApiKey(account_id);
      }) as [{ key_id: string; secret: string }, { key_id: string; secret: string }];
      await w.core.durable();
      const body = JSON.stringify({ amount_usd: '1' });
      const signed = (k: { key_id: string; secret: string }, secret = k.secret) => {
        const ts = Date.now();
        return { 'x-api-key': k.key_id, 'x-timestamp': String(ts), 'x-signature': sign(secret, ts, 'POST', '/v1/deposits', body) };
      };
      const attacker: number[] = [];
      for (let i = 0; i < 21; i++) attacker.push((await send(reader.url, 'POST', '/v1/deposits', body, signed(a, 'not the secret'), '127.0.0.2')).status);
      expect(attacker.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(attacker[20]).toBe(429);
      // Another client of the same reader: judged by its own address, not the reader's.
      expect((await send(reader.url, 'POST', '/v1/deposits', body, signed(b), '127.0.0.3')).status).toBe(201);
      // A client cannot name itself: its own X-Forwarded-For is replaced by the reader.
      const spoof = await send(reader.url, 'POST', '/v1/deposits', body, { ...signed(b, 'wrong'), 'x-forwarded-for': '127.0.0.9' }, '127.0.0.2');
      expect(spoof.status).toBe(429);
    } finally {
      await reader.close();
      await w.close();
    }
  }, 60_000);
  it('a reader serves WebSockets itself: one connection to the writer for all its clients, the same book, trades from the writer, events from PostgreSQL on NOTIFY', async () => {
    const url = await freshSchemaUrl((await pgCluster()).url);
    const key_file = path.join(keyDir(), 'secrets-key');
    const w = await startPlatform({ database_url: url, secrets_key_file: key_file, rate_limit: false });
    // Polling by num only every minute: an event that arrives in seconds came by NOTIFY.
    const reader = await startReader({ database_url: url, writer_url: w.url, secrets_key_file: key_file, rate_limit: false, events_poll_ms: 60_000 });
    const streams: PlatformStream[] = [];
    try {
      const core = w.core;
      const maker = core.createAccount({ start_ms: core.now_ms() - core.config.period_ms });
      core.tick(); // mints tokens for the maker
      core.deposit(maker.account_id, '100');
      const taker = core.createAccount().account_id;
      core.deposit(taker, '100');
      const cred = core.createApiKey(maker.account_id);
      core.placeOrder(maker.account_id, { client_order_id: 'rest-1', side: 'sell', type: 'limit', price: '0.0600', quantity: '5', time_in_force: 'GTC' });
      await core.durable();

      const until = async (cond: () => boolean, what: string) => {
        const end = Date.now() + 5000;
        while (!cond()) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await until(() => reader.stats().market.connects === 1 && w.wsConnections() === 1, "the reader's connection to the writer");

      // Five market clients and one account client, all on the reader.
      const books: { seq: number; bids: [string, string][]; asks: [string, string][] }[][] = [];
      const trades: number[][] = [];
      for (let i = 0; i < 5; i++) {
        const s = new PlatformStream({ base_url: reader.url, channels: ['book', 'trades', 'ticker'], timeout_ms: 5000 });
        const mine: (typeof books)[number] = [];
        const seen: number[] = [];
        s.on('book_snapshot', (b) => mine.push({ seq: b.seq, bids: b.bids as [string, string][], asks: b.asks as [string, string][] }));
        s.on('book_delta', (d) => mine.push({ seq: d.seq, bids: [], asks: [] }));
        s.on('trade', (t) => seen.push(t.num));
        books.push(mine);
        trades.push(seen);
        streams.push(s);
        await s.connect();
      }
      const account = new PlatformStream({ base_url: reader.url, credentials: cred, channels: ['events'], timeout_ms: 5000 });
      const events: AccountEvent[] = [];
      account.on('event', (e) => events.push(e));
      streams.push(account);
      expect((await account.connect()).last_seq).toBe(core.lastSeq(maker.account_id));
      expect(reader.wsConnections()).toBe(6);
      expect(w.wsConnections()).toBe(1); // the writer fans out once per reader, not per client

      // Each client's snapshot is the writer's book.
      const writerBook = core.bookSnapshot(500);
      for (const mine of books) expect(mine[0]).toEqual({ seq: writerBook.seq, bids: writerBook.bids, asks: writerBook.asks });

      // A trade: every client gets it, with the book deltas in seq order.
      const fill = core.placeOrder(taker, { client_order_id: 'take-1', side: 'buy', type: 'limit', price: '0.0600', quantity: '2', time_in_force: 'IOC' });
      expect(fill.order.status).toBe('filled');
      await core.durable();
      const trade_nums = core.trades(undefined, 10).map((t) => t.num);
      await until(() => trades.every((seen) => seen.length === 1) && books.every((mine) => mine.at(-1)!.seq === core.bookSeq()), 'the trade on every client');
      for (const seen of trades) expect(seen).toEqual([Math.max(...trade_nums)]);
      for (const mine of books) expect(mine.map((m) => m.seq)).toEqual(Array.from({ length: mine.length }, (_, k) => writerBook.seq + k));
      // The reader's book after the deltas is the writer's.
      const late = new PlatformStream({ base_url: reader.url, channels: ['book'], timeout_ms: 5000 });
      streams.push(late);
      const lateBook = new Promise<{ seq: number; bids: unknown; asks: unknown }>((r) => late.on('book_snapshot', (b) => r(b)));
      await late.connect();
      const now = core.bookSnapshot(500);
      expect(await lateBook).toMatchObject({ seq: now.seq, bids: now.bids, asks: now.asks });

      // The maker's events (its fill) reach its client through PostgreSQL, announced by NOTIFY.
      await until(() => events.length > 0, "the maker's fill event");
      expect(events.map((e) => e.type)).toContain('fill');
      expect(events.at(-1)!.seq).toBe(core.lastSeq(maker.account_id));
      expect(reader.stats().events.notifications).toBeGreaterThan(0);
    } finally {
      for (const s of streams) await s.close();
      await reader.close();
      await w.close();
    }
  }, 60_000);
});
