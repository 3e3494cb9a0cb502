// Browser mode's loopback server: every guard is tried from the outside, over real HTTP
// and WebSocket connections on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../electron/web/server.js';
import { WalletEventBus } from '../../electron/api/events.js';
import { sampleHandlers } from './sample-handlers.js';

let host: WebHost;
const events = new WalletEventBus();
const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-web-'));
mkdirSync(path.join(dir, 'assets'));
writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(path.join(os.tmpdir(), 'cw-secret.txt'), 'secret');

interface Res { status: number; headers: http.IncomingHttpHeaders; body: string }
function request(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const internalErrors: string[] = [];

/** Raw bytes on a socket: node:http would refuse to send these malformed request lines. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(host.port, '127.0.0.1', () => sock.end(text));
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('end', () => resolve(Buffer.concat(chunks).toString()));
    sock.on('error', reject);
  });
}

const cookie = () => `cw_token=${host.token}`;
const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  request({
    method: 'POST',
    path: `/api/${method}`,
    headers: { Cookie: cookie(), Origin: host.origin, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  host = await startWebHost({ handlers: sampleHandlers(), events, renderer_dir: dir, port: 0, onInternalError: (where, err) => internalErrors.push(`${where}: ${String(err)}`) });
});
afterAll(async () => {
  await host.close();
});

describe('browser-mode host', () => {
  it('listens on 127.0.0.1 only and prints a URL carrying a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('trades the URL token for an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const res = await request({ path: `/?token=${host.token}`, headers: { Host: `127.0.0.1:${host.port}` } });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const set = String(res.headers['set-cookie']);
    expect(set).toContain(`cw_token=${host.token}`);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
  });

  it('refuses every request without the token, static files included', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js']) expect((await request({ path: p })).status).toBe(401);
    expect((await request({ path: '/?token=wrong' })).status).toBe(401);
    expect((await request({ path: '/', headers: { Cookie: 'cw_token=wrong' } })).status).toBe(401);
    const r = await request({ method: 'POST', path: '/api/getStatus', headers: { Origin: host.origin, 'Content-Type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(401);
  });

  it('serves the page with the strict CSP once authorised', async () => {
    const res = await request({ path: '/', headers: { Cookie: cookie() } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>t</title>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`ws://127.0.0.1:${host.port}`);
    expect(csp).not.toContain('unsafe');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it.each(['GET http://[ HTTP/1.1', 'GET * HTTP/1.1', 'GET //evil.example/x HTTP/1.1', 'GET example.com:443 HTTP/1.1'])(
    'answers a malformed request target (%s) with a bare 400 before any other check',
    async (line) => {
      // No token, a foreign Host: the target is checked first, and the answer says nothing else.
      const reply = await rawRequest(`${line}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
      expect(reply).toMatch(/^HTTP\/1\.1 400 /);
      // Ours, or Node's own parser refusing it first (authority form): never a 500, never a page.
      expect(reply).toMatch(/\r\n\r\n(bad request target)?$/);
      expect(internalErrors).toEqual([]);
    },
  );

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await request({ path: '/', headers: { Cookie: cookie(), Host: `evil.example:${host.port}` } });
    expect(res.status).toBe(421);
  });

  it('refuses a foreign Origin (CSRF) and an API call without any Origin under cookie auth', async () => {
    expect((await api('getStatus', {}, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await api('getStatus', {}, { Origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403);
    const noOrigin = await request({ method: 'POST', path: '/api/getStatus', headers: { Cookie: cookie(), 'Content-Type': 'application/json' }, body: '{}' });
    expect(noOrigin.status).toBe(403);
  });

  it('answers a valid call', async () => {
    const res = await api('getPortfolio', {});
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: { usd: { total: '100' } } });
  });

  it('accepts a Bearer token from scripts', async () => {
    const res = await request({ method: 'POST', path: '/api/getStatus', headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
  });

  it.each([
    ['unknown method', 'doEverything', '{}', 404, 'unknown_method'],
    ['prototype key', '__proto__', '{}', 404, 'unknown_method'],
    ['malformed JSON', 'getStatus', '{"a":', 400, 'invalid_json'],
    ['schema violation', 'getCandles', '{"interval":"7m"}', 400, 'invalid_request'],
    ['unknown field', 'getStatus', '{"x":1}', 400, 'invalid_request'],
  ])('%s gets a specific 4xx error', async (_label, method, body, status, code) => {
    const res = await request({ method: 'POST', path: `/api/${method}`, headers: { Cookie: cookie(), Origin: host.origin, 'Content-Type': 'application/json' }, body });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code } });
  });

  it('refuses non-JSON content types, GETs on the API and oversized bodies', async () => {
    expect((await api('getStatus', {}, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await request({ path: '/api/getStatus', headers: { Cookie: cookie() } })).status).toBe(405);
    const big = await api('getStatus', { pad: 'x'.repeat(300 * 1024) });
    expect(big.status).toBe(413);
  });

  it('does not serve files outside the renderer folder', async () => {
    for (const p of ['/../cw-secret.txt', '/%2e%2e/cw-secret.txt', '/assets/..%2f..%2fcw-secret.txt']) {
      const res = await request({ path: p, headers: { Cookie: cookie() } });
      expect(res.body).not.toContain('secret');
      expect([400, 404]).toContain(res.status);
    }
  });

  it('pushes events over an authorised same-origin WebSocket, with the latest state first', async () => {
    events.emit('market', { ticker: null });
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { headers: { Cookie: cookie(), Origin: host.origin } });
    const messages: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (m) => {
        messages.push(JSON.parse(String(m)));
        if (messages.length === 2) resolve();
      });
      ws.on('open', () => events.emit('status', { state: 'offline', platform_url: 'x', demo: true, last_synced_at: null, events_behind: 0, last_error: 'down', open_mismatches: 0 }));
      ws.on('error', reject);
    });
    ws.close();
    expect(messages[0]).toEqual({ event: 'market', payload: { ticker: null } });
    expect(messages[1]).toMatchObject({ event: 'status', payload: { state: 'offline' } });
  });

  it.each([
    ['no token', { Origin: 'ORIGIN' }],
    ['foreign origin', { Cookie: 'COOKIE', Origin: 'https://evil.example' }],
    ['no origin', { Cookie: 'COOKIE' }],
  ])('refuses a WebSocket with %s', async (_label, h) => {
    const headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v === 'ORIGIN' ? host.origin : v === 'COOKIE' ? cookie() : v]));
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { headers });
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
      ws.on('unexpected-response', () => resolve('refused'));
    });
    ws.terminate();
    expect(outcome).toBe('refused');
  });
});
