// BROWSER MODE: the same wallet handlers as the desktop IPC host, served to a browser over
// loopback HTTP + WebSocket, together with the built renderer.
//
// Guards, and the threat each stops:
// - bound to 127.0.0.1 only: nothing on the network can connect;
// - the request target must be an origin-form path, checked first (bare 400): a malformed
//   one (`GET http://[`) can neither crash a handler into a 500 nor reach another check;
// - a per-launch random token on every request (cookie set from the printed URL, or a
//   Bearer header for scripts): other local users and processes, and web pages probing
//   localhost ports, cannot read or drive the wallet;
// - Host header must be our loopback host:port: stops DNS-rebinding attacks, where a
//   remote page resolves its own name to 127.0.0.1 to become "same origin" with us;
// - Origin must be ours on API calls and WebSocket upgrades: stops cross-site requests
//   (CSRF) and cross-site WebSocket hijacking from any page the user has open;
// - API calls must be JSON POSTs with bounded bodies; the payload is validated by the
//   contract in dispatch() before any handler runs;
// - static files are resolved with a traversal guard and served with the strict CSP.
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { dispatch, type WalletHandlers } from '../api/dispatch.js';
import type { WalletEventBus } from '../api/events.js';
import { contentSecurityPolicy, securityHeaders } from '../security/policy.js';
import { mimeType, resolveStaticPath, staticTarget } from '../security/static-path.js';
import { ReportFileRequest } from '../../shared/contract/tax.js';

export const TOKEN_COOKIE = 'cw_token';
/** Largest API request body accepted. */
const API_BODY_MAX_BYTES = 256 * 1024;
/** Open browser-mode sockets at once (tabs). */
const SOCKETS_MAX = 16;
/** A socket with this many unsent bytes is too slow: it is dropped, not buffered forever. */
const SOCKET_BUFFER_MAX_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_INTERVAL_MS = 15_000;

export interface WebHostOptions {
  handlers: WalletHandlers;
  events: WalletEventBus;
  renderer_dir: string;
  /** 0 = a free port. */
  port?: number;
  /** For tests; a fresh random token otherwise. */
  token?: string;
  onInternalError?: (method: string, err: unknown) => void;
  /** A past report export's file by export id and name (checked against its manifest), or null. */
  reportFile?: (export_id: string, name: string) => { path: string; bytes: number } | null;
}

/** Where report files are downloaded: POST {export_id, name} as JSON (the API's checks). */
export const DOWNLOAD_PATH = '/download/report';

export interface WebHost {
  /** The URL to open: carries the token once, then the cookie takes over. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const STATUS_BY_CODE: Record<string, number> = {
  invalid_request: 400,
  unknown_method: 404,
  internal_error: 500,
  unavailable: 503,
};

function tokenMatches(expected: Buffer, given: string | undefined): boolean {
  if (!given) return false;
  const g = Buffer.from(given);
  return g.length === expected.length && timingSafeEqual(g, expected);
}

function cookieToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return v.join('=');
  }
  return undefined;
}

/**
 * The request target as a URL on our origin, or null when it is not a parseable
 * origin-form path (`GET http://[`, `GET *`, `CONNECT host:443`): browsers only send
 * origin-form, so anything else is refused with a bare 400 before any other check.
 */
function requestTarget(raw: string | undefined, origin: string): URL | null {
  if (raw === undefined || !raw.startsWith('/') || raw.startsWith('//')) return null;
  try {
    return new URL(raw, origin);
  } catch {
    return null;
  }
}

function bearerToken(req: http.IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice('Bearer '.length) : undefined;
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const onInternalError = opts.onInternalError ?? (() => {});
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let origin = '';
  let allowedHosts: string[] = [];
  let headers: Record<string, string> = {};

  const authorized = (req: http.IncomingMessage) =>
    tokenMatches(tokenBuf, cookieToken(req)) || tokenMatches(tokenBuf, bearerToken(req));
  const hostOk = (req: http.IncomingMessage) => allowedHosts.includes(req.headers.host ?? '');
  const originOk = (req: http.IncomingMessage) => req.headers.origin === undefined || allowedHosts.some((h) => req.headers.origin === `http://${h}`);

  function send(res: http.ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}) {
    res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  }
  const sendJson = (res: http.ServerResponse, status: number, value: unknown) =>
    send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

  /** The API's request checks (POST, Origin for cookie auth, JSON, bounded body); the payload, or undefined once answered. */
  async function readJsonPost(req: http.IncomingMessage, res: http.ServerResponse): Promise<unknown> {
    if (req.method !== 'POST') return void sendJson(res, 405, { ok: false, error: { code: 'method_not_allowed', message: 'use POST' } });
    // A browser always sends Origin on a cross-origin POST; requiring it for cookie auth
    // closes the door on forms and fetches from other sites even if SameSite were bypassed.
    if (!bearerToken(req) && req.headers.origin === undefined) {
      return void sendJson(res, 403, { ok: false, error: { code: 'origin_required', message: 'missing Origin header' } });
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return void sendJson(res, 415, { ok: false, error: { code: 'unsupported_media_type', message: 'Content-Type must be application/json' } });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > API_BODY_MAX_BYTES) {
        return void sendJson(res, 413, { ok: false, error: { code: 'payload_too_large', message: `request body over ${API_BODY_MAX_BYTES} bytes` } });
      }
      chunks.push(chunk);
    }
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      return text.length === 0 ? {} : (JSON.parse(text) as unknown);
    } catch {
      return void sendJson(res, 400, { ok: false, error: { code: 'invalid_json', message: 'request body is not valid JSON' } });
    }
  }

  /** A report file as an attachment: named by export id and file name, never by a path. */
  async function handleDownload(req: http.IncomingMessage, res: http.ServerResponse) {
    const payload = await readJsonPost(req, res);
    if (payload === undefined) return;
    const parsed = ReportFileRequest.safeParse(payload);
    if (!parsed.success) return sendJson(res, 400, { ok: false, error: { code: 'invalid_request', message: `download: ${parsed.error.issues[0]?.message ?? 'invalid request'}` } });
    const file = opts.reportFile?.(parsed.data.export_id, parsed.data.name) ?? null;
    if (!file) return sendJson(res, 404, { ok: false, error: { code: 'not_found', message: `no file ${parsed.data.name} in export ${parsed.data.export_id}` } });
    res.writeHead(200, {
      ...headers,
      'Content-Type': mimeType(file.path),
      'Content-Length': String(file.bytes),
      'Content-Disposition': `attachment; filename="${parsed.data.name}"`, // the name matched a strict pattern
      'Cache-Control': 'no-store',
    });
    createReadStream(file.path).pipe(res);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, method: string) {
    const payload = await readJsonPost(req, res);
    if (payload === undefined) return;
    const out = await dispatch(opts.handlers, method, payload, onInternalError);
    if (out.ok) return sendJson(res, 200, out);
    return sendJson(res, STATUS_BY_CODE[out.error.code] ?? 422, out);
  }

  function handleStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain');
    const target = staticTarget(pathname);
    const file = resolveStaticPath(opts.renderer_dir, target);
    if (!file) return send(res, 400, 'bad path', 'text/plain');
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      return send(res, 404, target === '/' ? 'The renderer is not built: run `npm run build:renderer`.' : 'not found', 'text/plain');
    }
    const cache = file.includes(`${'/'}assets${'/'}`) ? 'public, max-age=31536000, immutable' : 'no-store';
    res.writeHead(200, { ...headers, 'Content-Type': mimeType(file), 'Content-Length': String(size), 'Cache-Control': cache });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  }

  server.on('request', (req, res) => {
    void (async () => {
      const url = requestTarget(req.url, origin);
      if (!url) return send(res, 400, 'bad request target', 'text/plain');
      if (!hostOk(req)) return send(res, 421, 'misdirected request', 'text/plain');
      if (!originOk(req)) return send(res, 403, 'foreign origin', 'text/plain');
      // First visit from the printed URL: trade the one-time query token for an HttpOnly,
      // SameSite=Strict cookie and drop the token from the address bar and history.
      const queryToken = url.searchParams.get('token');
      if (queryToken !== null && req.method === 'GET') {
        if (!tokenMatches(tokenBuf, queryToken)) return send(res, 401, 'wrong token', 'text/plain');
        return send(res, 303, '', 'text/plain', {
          Location: url.pathname,
          'Set-Cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        });
      }
      if (!authorized(req)) {
        return send(res, 401, 'Not authorized. Open the URL printed by `npm start` (it carries this launch\u2019s token).', 'text/plain; charset=utf-8');
      }
      if (url.pathname.startsWith('/api/')) return handleApi(req, res, url.pathname.slice('/api/'.length));
      if (url.pathname === DOWNLOAD_PATH) return handleDownload(req, res);
      return handleStatic(req, res, url.pathname);
    })().catch((err: unknown) => {
      onInternalError('http', err);
      if (!res.headersSent) send(res, 500, 'internal error', 'text/plain');
      else res.destroy();
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== '/api/events' || !hostOk(req) || req.headers.origin === undefined || !originOk(req) || !authorized(req) || wss.clients.size >= SOCKETS_MAX) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const alive = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (ws: WebSocket) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', () => ws.close(1008, 'this socket only pushes events')); // no commands over WS
    const push = (event: string, payload: unknown) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > SOCKET_BUFFER_MAX_BYTES) return ws.terminate();
      ws.send(JSON.stringify({ event, payload }));
    };
    for (const [event, payload] of opts.events.snapshot()) push(event, payload);
    const unsubscribe = opts.events.subscribe(push);
    ws.on('close', unsubscribe);
  });
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) { ws.terminate(); continue; }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  headers = securityHeaders(contentSecurityPolicy({ connect_src: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] }));

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
