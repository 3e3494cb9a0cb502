// Platform auth hardening (issue 13): replay protection that survives a restart, the
// WebSocket's one-time challenge and Origin check, failed-auth rate limits per key and per
// address, a clear startup error for a missing or wrong secrets key, and the store's
// durability and file modes.
import http from 'node:http';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { PlatformCore } from '../../platform/core/core.js';
import { sign, signWsAuth } from '../../platform/auth/signing.js';
import { ReplayStore, SEEN_SIGNATURE_TTL_MS } from '../../platform/auth/replay.js';
import { SqliteStore } from '../../platform/core/store-sqlite.js';
import { PlatformClient, PlatformStream } from '../../electron/services/platform-client/index.js';
import { describeEngines, type PlatformSetup, type StoreLocation } from '../support/engines.js';

const running: RunningPlatform[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmpDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cw-auth-'));
  dirs.push(d);
  return d;
}

async function start(opts: Parameters<typeof startPlatform>[0]): Promise<RunningPlatform> {
  const p = await startPlatform(opts);
  running.push(p);
  return p;
}

async function stop(p: RunningPlatform): Promise<void> {
  running.splice(running.indexOf(p), 1);
  await p.close();
}

function funded(core: PlatformCore, usd = '100') {
  const { account_id } = core.createAccount();
  core.deposit(account_id, usd);
  return { account_id, ...core.createApiKey(account_id) };
}

interface Reply { status: number; json: { error?: { code: string } } & Record<string, unknown>; retry_after: string | undefined }

/** One signed (or deliberately mis-signed) request; `local` picks the source address on loopback. */
function send(url: string, method: string, p: string, o: { body?: string; key_id?: string; ts?: number; sig?: string; secret?: string; local?: string } = {}): Promise<Reply> {
  const body = o.body ?? '';
  const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  if (o.key_id !== undefined) {
    const ts = o.ts ?? Date.now();
    headers['x-api-key'] = o.key_id;
    headers['x-timestamp'] = String(ts);
    headers['x-signature'] = o.sig ?? sign(o.secret ?? '', ts, method, p, body);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url + p, { method, headers, ...(o.local ? { localAddress: o.local } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Reply['json'], retry_after: res.headers['retry-after'] }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a raw socket and returns it with its challenge (the server's first message). */
async function wsWithChallenge(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; challenge: string; next: () => Promise<{ type: string; code?: string }> }> {
  const ws = new WebSocket(url.replace('http', 'ws') + '/v1/ws', { headers });
  const inbox: { type: string; code?: string; challenge?: string }[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string };
    if (m.type === 'heartbeat') return;
    inbox.push(m);
    waiters.shift()?.();
  });
  const next = async () => {
    if (inbox.length === 0) await new Promise<void>((r) => waiters.push(r));
    return inbox.shift()!;
  };
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  const first = (await next()) as { type: string; challenge?: string };
  expect(first.type).toBe('challenge');
  expect(first.challenge).toMatch(/^[0-9a-f]{64}$/);
  return { ws, challenge: first.challenge!, next };
}

describeEngines('auth', (engine) => {
  /** A platform on this engine (a fresh store, or `at` to restart on the same data), closed after the test. */
  const start = async (opts: PlatformSetup, at?: StoreLocation): Promise<RunningPlatform> => {
    const p = await engine.platform(opts, at);
    running.push(p);
    return p;
  };

  describe('replay protection', () => {
    it('refuses a signed withdrawal replayed after a platform restart', async () => {
      const at = await engine.location();
      let p = await start({ rate_limit: false }, at);
      const A = funded(p.core);
      const body = JSON.stringify({ amount_usd: '10' });
      const ts = Date.now();
      const sig = sign(A.secret, ts, 'POST', '/v1/withdrawals', body);
      expect((await send(p.url, 'POST', '/v1/withdrawals', { body, key_id: A.key_id, ts, sig })).status).toBe(201);
      const balance = p.core.getBalances(A.account_id).usd.total;
      await stop(p);

      p = await start({ rate_limit: false }, at);
      const replay = await send(p.url, 'POST', '/v1/withdrawals', { body, key_id: A.key_id, ts, sig });
      expect(replay.status).toBe(401);
      expect(replay.json.error?.code).toBe('replayed_request');
      expect(p.core.getBalances(A.account_id).usd.total).toBe(balance);
      expect(p.core.getEvents(A.account_id, 0, 100).events.filter((e) => e.type === 'withdrawal')).toHaveLength(1);
      // A fresh signature for the same withdrawal is a new request and goes through.
      expect((await send(p.url, 'POST', '/v1/withdrawals', { body, key_id: A.key_id, secret: A.secret })).status).toBe(201);
    });

    it('a refused write stays claimed: replayed once funds arrive, it is still refused', async () => {
      const p = await start({ rate_limit: false });
      const A = funded(p.core, '5');
      const body = JSON.stringify({ amount_usd: '50' });
      const ts = Date.now();
      const sig = sign(A.secret, ts, 'POST', '/v1/withdrawals', body);
      expect((await send(p.url, 'POST', '/v1/withdrawals', { body, key_id: A.key_id, ts, sig })).status).toBe(422);
      p.core.deposit(A.account_id, '100');
      expect((await send(p.url, 'POST', '/v1/withdrawals', { body, key_id: A.key_id, ts, sig })).json.error?.code).toBe('replayed_request');
      expect(p.core.getBalances(A.account_id).usd.total).toBe('105');
    });

    it('two identical writes in one group commit: the second is the replay', async () => {
      const p = await start({ rate_limit: false });
      const A = funded(p.core);
      const body = JSON.stringify({ amount_usd: '1' });
      const ts = Date.now();
      const sig = sign(A.secret, ts, 'POST', '/v1/deposits', body);
      const both = await Promise.all([0, 1].map(() => send(p.url, 'POST', '/v1/deposits', { body, key_id: A.key_id, ts, sig })));
      expect(both.map((r) => r.status).sort()).toEqual([201, 401]);
    });

    it('the store forgets signatures only once they are too old to be accepted anyway', () => {
      const store = new SqliteStore(':memory:');
      const r = new ReplayStore(store);
      const sig = randomBytes(32).toString('hex');
      const now = 1_000_000_000;
      expect(r.claim(now - 1000, sig)).toBe(true);
      expect(r.claim(now - 1000, sig)).toBe(false);
      expect(r.prune(now)).toBe(0);
      expect(r.claim(now - 1000, sig)).toBe(false);
      expect(r.prune(now - 1000 + SEEN_SIGNATURE_TTL_MS + 1)).toBe(1);
      expect(r.claim(now - 1000, sig)).toBe(true);
      store.close();
    });
  });

  describe('WebSocket auth by one-time challenge', () => {
    it('accepts the signed challenge once, and refuses the same auth message on another connection and a second attempt', async () => {
      const p = await start({ rate_limit: false, ws: { heartbeat_ms: 60_000 } });
      const A = funded(p.core);
      const first = await wsWithChallenge(p.url);
      const timestamp = Date.now();
      const auth = JSON.stringify({ op: 'auth', key_id: A.key_id, timestamp, signature: signWsAuth(A.secret, timestamp, first.challenge) });
      first.ws.send(auth);
      expect(await first.next()).toMatchObject({ type: 'authed', account_id: A.account_id });
      first.ws.send(auth);
      expect(await first.next()).toMatchObject({ type: 'error', code: 'challenge_used' });
      // A captured auth message replayed on a new connection (3 tries, as in the probe).
      for (let i = 0; i < 3; i++) {
        const other = await wsWithChallenge(p.url);
        expect(other.challenge).not.toBe(first.challenge);
        other.ws.send(auth);
        expect(await other.next()).toMatchObject({ type: 'error', code: 'invalid_signature' });
        other.ws.send(JSON.stringify({ op: 'subscribe', channels: ['events'] }));
        expect(await other.next()).toMatchObject({ type: 'error', code: 'auth_required' });
        other.ws.close();
      }
      first.ws.close();
    });

    it('the old scheme (a signature over the path, no challenge) is refused', async () => {
      const p = await start({ rate_limit: false });
      const A = funded(p.core);
      const c = await wsWithChallenge(p.url);
      const timestamp = Date.now();
      c.ws.send(JSON.stringify({ op: 'auth', key_id: A.key_id, timestamp, signature: sign(A.secret, timestamp, 'GET', '/v1/ws', '') }));
      expect(await c.next()).toMatchObject({ type: 'error', code: 'invalid_signature' });
      c.ws.close();
    });

    it('refuses an upgrade from a foreign Origin; accepts an allowed one and none (not a browser)', async () => {
      const p = await start({ rate_limit: false, ws: { allowed_origins: ['https://wallet.example'] } });
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(p.url.replace('http', 'ws') + '/v1/ws', { headers: { Origin: 'https://evil.example' } });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => resolve(101));
        ws.on('error', () => {});
      });
      expect(status).toBe(403);
      (await wsWithChallenge(p.url, { Origin: 'https://wallet.example' })).ws.close();
      (await wsWithChallenge(p.url)).ws.close();
    });

    it('the wallet stream answers the challenge', async () => {
      const p = await start({ rate_limit: false });
      const A = funded(p.core);
      const s = new PlatformStream({ base_url: p.url, credentials: A, channels: ['events'], timeout_ms: 5000 });
      expect((await s.connect()).account_id).toBe(A.account_id);
      await s.close();
    });
  });

  describe('failed authentication is rate-limited', () => {
    const limits = { private_capacity: 1000, private_refill_per_s: 1000, public_capacity: 1000, public_refill_per_s: 1000, auth_failure_capacity: 3, auth_failure_refill_per_s: 0.01 };

    it('per address: after the burst of failures every attempt from it gets 429 with Retry-After, even a valid one', async () => {
      const p = await start({ rate_limit: limits });
      const A = funded(p.core);
      const B = funded(p.core);
      for (let i = 0; i < 3; i++) expect((await send(p.url, 'GET', '/v1/balances', { key_id: B.key_id, sig: 'ab'.repeat(32), local: '127.0.0.1' })).status).toBe(401);
      const limited = await send(p.url, 'GET', '/v1/balances', { key_id: A.key_id, secret: A.secret, local: '127.0.0.1' });
      expect(limited.status).toBe(429);
      expect(limited.json.error?.code).toBe('auth_rate_limited');
      expect(Number(limited.retry_after)).toBeGreaterThanOrEqual(1);
      // Another address with another key is unaffected.
      expect((await send(p.url, 'GET', '/v1/balances', { key_id: A.key_id, secret: A.secret, local: '127.0.0.2' })).status).toBe(200);
    });

    it('per key: failures spread over addresses still exhaust the key', async () => {
      const p = await start({ rate_limit: limits });
      const A = funded(p.core);
      const B = funded(p.core);
      for (const local of ['127.0.0.3', '127.0.0.4', '127.0.0.5']) {
        expect((await send(p.url, 'GET', '/v1/balances', { key_id: A.key_id, sig: 'cd'.repeat(32), local })).status).toBe(401);
      }
      expect((await send(p.url, 'GET', '/v1/balances', { key_id: A.key_id, sig: 'cd'.repeat(32), local: '127.0.0.6' })).status).toBe(429);
      expect((await send(p.url, 'GET', '/v1/balances', { key_id: B.key_id, secret: B.secret, local: '127.0.0.6' })).status).toBe(200);
    });

    it('WebSocket auth failures count too', async () => {
      const p = await start({ rate_limit: limits });
      const A = funded(p.core);
      for (let i = 0; i < 3; i++) {
        const c = await wsWithChallenge(p.url);
        c.ws.send(JSON.stringify({ op: 'auth', key_id: A.key_id, timestamp: Date.now(), signature: 'ef'.repeat(32) }));
        expect(await c.next()).toMatchObject({ code: 'invalid_signature' });
        c.ws.close();
      }
      const c = await wsWithChallenge(p.url);
      const timestamp = Date.now();
      c.ws.send(JSON.stringify({ op: 'auth', key_id: A.key_id, timestamp, signature: signWsAuth(A.secret, timestamp, c.challenge) }));
      expect(await c.next()).toMatchObject({ code: 'auth_rate_limited' });
      c.ws.close();
      expect((await send(p.url, 'GET', '/v1/balances', { key_id: A.key_id, secret: A.secret })).status).toBe(429);
    });
  });
});

describe('secrets key file', () => {
  function storeWithKey(): { db_path: string; key_file: string; key_id: string; secret: string } {
    const db_path = path.join(tmpDir(), 'platform.db');
    const core = new PlatformCore({ db_path });
    const { account_id } = core.createAccount();
    const k = core.createApiKey(account_id);
    core.close();
    return { db_path, key_file: `${db_path}.secrets-key`, ...k };
  }

  it('a missing key file is a clear startup error, and no new key is made', async () => {
    const s = storeWithKey();
    const saved = readFileSync(s.key_file);
    rmSync(s.key_file);
    await expect(startPlatform({ db_path: s.db_path })).rejects.toThrow(/secrets key file .*platform\.db\.secrets-key is missing/);
    expect(existsSync(s.key_file)).toBe(false);
    writeFileSync(s.key_file, saved, { mode: 0o600 });
    const p = await start({ db_path: s.db_path, rate_limit: false });
    expect((await new PlatformClient({ base_url: p.url, credentials: s, timeout_ms: 5000 }).getAccount()).account_id).toMatch(/^acc_/);
  });

  it('a replaced or damaged key file is a clear startup error', async () => {
    const s = storeWithKey();
    writeFileSync(s.key_file, randomBytes(32).toString('base64') + '\n');
    expect(() => new PlatformCore({ db_path: s.db_path })).toThrow(/does not match this database/);
    writeFileSync(s.key_file, 'not a key\n');
    expect(() => new PlatformCore({ db_path: s.db_path })).toThrow(/is not a 32-byte base64 key/);
  });

  it('a store from before the check value, with sealed secrets, is checked against them', () => {
    const s = storeWithKey();
    const db = new Database(s.db_path);
    db.prepare(`DELETE FROM meta WHERE key = 'secrets_key_check'`).run();
    db.close();
    writeFileSync(s.key_file, randomBytes(32).toString('base64') + '\n');
    expect(() => new PlatformCore({ db_path: s.db_path })).toThrow(/does not match this database/);
  });
});

describe('store durability and file modes', () => {
  it('runs with synchronous=FULL and keeps the database, WAL and SHM files 0600', async () => {
    const db_path = path.join(tmpDir(), 'platform.db');
    const p = await start({ db_path, rate_limit: false });
    funded(p.core);
    expect(p.core.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    for (const f of [db_path, `${db_path}-wal`, `${db_path}-shm`, `${db_path}.secrets-key`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
  });

  it('tightens an older store created 0644', () => {
    const db_path = path.join(tmpDir(), 'old.db');
    const old = new Database(db_path);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE t (x)');
    old.close();
    writeFileSync(`${db_path}-wal`, '');
    chmodSync(db_path, 0o644);
    chmodSync(`${db_path}-wal`, 0o644);
    const core = new PlatformCore({ db_path });
    for (const f of [db_path, `${db_path}-wal`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    core.close();
  });
});
