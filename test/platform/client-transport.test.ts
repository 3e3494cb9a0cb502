// The wallet's platform client on the wire (issue 13, item 7): it never follows a redirect
// with signed headers, and it needs https:// for any platform that is not on loopback. Also
// the layering rule that the client signs with the shared canonical form, not platform/ code.
import http from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformClient, PlatformError, PlatformStream } from '../../electron/services/platform-client/index.js';
import { parseAppArgs } from '../../electron/app/args.js';
import { Settings } from '../../electron/app/settings.js';
import { ConfigurePlatformRequest } from '../../shared/contract/wallet-api.js';
import { platformUrlProblem } from '../../shared/platform/url.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url} key=${String(req.headers['x-api-key'])} sig=${req.headers['x-signature'] ? 'yes' : 'no'}`);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

const cred = { key_id: 'key_abc', secret: 's'.repeat(64) };

describe('redirects', () => {
  it.each([301, 302, 307, 308])('an HTTP %i is an error, and nothing signed reaches the other address', async (status) => {
    const elsewhere = await listen((_req, res) => res.end('{}'));
    const platform = await listen((_req, res) => {
      res.writeHead(status, { location: `${elsewhere.url}/v1/withdrawals?x=1` });
      res.end();
    });
    const c = new PlatformClient({ base_url: platform.url, credentials: cred, timeout_ms: 5000 });
    const err = (await c.withdraw({ amount_usd: '10' }).catch((e: unknown) => e)) as PlatformError;
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ status, code: 'redirect_refused', transient: false });
    expect(err.message).toContain(`redirecting to ${elsewhere.url}/v1/withdrawals;`);
    expect(err.message).toMatch(/set the platform URL to the final address/);
    expect(await c.getBalances().catch((e: unknown) => (e as PlatformError).code)).toBe('redirect_refused');
    expect(platform.hits).toHaveLength(2);
    expect(elsewhere.hits).toEqual([]);
  });

  it('the stream refuses a redirected handshake', async () => {
    const elsewhere = await listen((_req, res) => res.end());
    const platform = await listen((_req, res) => res.end());
    platform.server.on('upgrade', (_req, socket) => {
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ${elsewhere.url.replace('http', 'ws')}/v1/ws\r\nContent-Length: 0\r\n\r\n`);
    });
    const s = new PlatformStream({ base_url: platform.url, credentials: cred, channels: ['events'], timeout_ms: 5000 });
    await expect(s.connect()).rejects.toMatchObject({ code: 'redirect_refused', status: 302 });
    expect(elsewhere.hits).toEqual([]);
  });
});

describe('https required off loopback', () => {
  const refused = ['http://platform.example', 'http://10.0.0.5:8787', 'http://127.example.com', 'http://[::2]:80', 'ftp://platform.example', 'https://user:pw@platform.example'];
  const accepted = ['https://platform.example', 'https://10.0.0.5:8443/', 'http://127.0.0.1:8787', 'http://127.1.2.3', 'http://localhost:9', 'http://[::1]:8787'];

  it.each(refused)('refuses %s in the client, the stream, the app flags, the settings and the IPC contract', (url) => {
    expect(platformUrlProblem(url)).not.toBeNull();
    expect(() => new PlatformClient({ base_url: url, credentials: cred, timeout_ms: 1000 })).toThrow(TypeError);
    expect(() => new PlatformStream({ base_url: url, credentials: cred, channels: ['events'], timeout_ms: 1000 })).toThrow(TypeError);
    expect(() => parseAppArgs(['--platform-url', url])).toThrow(/--platform-url/);
    expect(Settings.safeParse({ platform_url: url }).success).toBe(false);
    expect(ConfigurePlatformRequest.safeParse({ use: 'platform', platform_url: url, key_id: 'k', secret: 's' }).success).toBe(false);
  });

  it('says why, naming https', () => {
    expect(() => new PlatformClient({ base_url: 'http://platform.example:8787/', timeout_ms: 1000 })).toThrow(
      'platform URL http://platform.example:8787 uses plain http on a network: https:// is required for a platform that is not on loopback (localhost, 127.0.0.1, ::1)',
    );
  });

  it.each(accepted)('accepts %s', (url) => {
    expect(platformUrlProblem(url)).toBeNull();
    expect(() => new PlatformClient({ base_url: url, credentials: cred, timeout_ms: 1000 })).not.toThrow();
    expect(parseAppArgs(['--platform-url', url]).platform_url).toBe(url);
    expect(Settings.safeParse({ platform_url: url }).success).toBe(true);
  });
});

describe('layering', () => {
  it('the wallet client imports nothing from platform/, and the shared signing module nothing from Node', () => {
    const dir = path.join(ROOT, 'electron/services/platform-client');
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from\s+['"](?:\.\.\/)+platform\//.test(readFileSync(path.join(dir, f), 'utf8')));
    expect(offenders).toEqual([]);
    const shared = readFileSync(path.join(ROOT, 'shared/platform/signing.ts'), 'utf8');
    expect(shared).not.toMatch(/\bfrom\s+['"]/);
    expect(readFileSync(path.join(dir, 'client.ts'), 'utf8')).toMatch(/from '\.\/signing\.js'/);
  });
});
