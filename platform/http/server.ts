// HTTP + WebSocket front of the platform. Validates everything with the shared zod
// schemas, authenticates signed requests, rate-limits, and calls the core. Every refusal
// is `{ error: { code, message, details? } }` with a 4xx; a 500 means a bug.
import http from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { z } from 'zod';
import { PlatformError } from '../core/errors.js';
import type { PlatformCore } from '../core/core.js';
import { SIGNATURE_WINDOW_MS, sign, signatureMatches } from '../auth/signing.js';
import { matchRoute, zPathParam, type Route } from './routes.js';
import { AuthFailureLimiter, DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitConfig } from './ratelimit.js';
import { ReplayStore } from '../auth/replay.js';
import { openApiDocument } from './openapi.js';
import { attachWebSocket, coreWsSource, type WsOptions } from './ws.js';

export const MAX_BODY_BYTES = 64 * 1024;
/** How often signatures too old to replay are dropped from the store. */
const REPLAY_PRUNE_INTERVAL_MS = 10_000;

export interface HttpOptions {
  core: PlatformCore;
  port?: number;
  host?: string;
  rate_limit?: Partial<RateLimitConfig> | false;
  ws?: Partial<WsOptions>;
  /** Called with unexpected errors (bugs); never with secrets. */
  on_error?: (err: unknown, where: string) => void;
  /** Peers whose X-Forwarded-For names the client (readers, the load balancer); default none. */
  trusted_proxies?: string[];
}

export interface HttpServer {
  server: http.Server;
  url: string;
  port: number;
  /** Open WebSocket connections. */
  wsConnections(): number;
  close(): Promise<void>;
}

class HttpError extends PlatformError {}

export const err = (status: number, code: string, message: string, details?: unknown) => new HttpError(status, code, message, details);

function zodDetails(e: z.ZodError): unknown {
  return e.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message, code: i.code }));
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_BODY_BYTES) {
      reject(err(413, 'body_too_large', `request body above ${MAX_BODY_BYTES} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(err(413, 'body_too_large', `request body above ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

/** Most requests one group commit may carry (bounds the latency a burst adds). */
const MAX_BATCH = 64;

interface Job {
  run: () => unknown;
  resolve: (v: never) => void;
  reject: (e: unknown) => void;
}

/** Batches run in memory whose store flush has not committed yet (write-behind stores only). */
const MAX_UNDURABLE_BATCHES = 8;

/**
 * Group commit: handlers that become ready in the same event-loop turn run in one store
 * transaction (each in its own savepoint, so one refusal undoes only itself) and their
 * responses go out after the single commit is durable. Same guarantees as one transaction
 * per request (nothing is acknowledged before it is committed), a fraction of the commits.
 * With PostgreSQL (write-behind, store-pg.ts) the responses wait for the flush that carries
 * the batch; later batches run meanwhile, up to MAX_UNDURABLE_BATCHES ahead.
 */
class GroupCommitter {
  private queue: Job[] = [];
  private scheduled = false;
  private undurable = 0;
  constructor(private readonly core: PlatformCore) {}

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: never) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.undurable >= MAX_UNDURABLE_BATCHES) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.undurable >= MAX_UNDURABLE_BATCHES) return; // rescheduled when a flush lands
    const jobs = this.queue.splice(0, MAX_BATCH);
    this.schedule();
    const results: { ok: boolean; value: unknown }[] = [];
    try {
      this.core.batch(() => {
        for (const j of jobs) {
          try {
            results.push({ ok: true, value: j.run() });
          } catch (e) {
            results.push({ ok: false, value: e });
          }
        }
      });
    } catch (e) {
      for (const j of jobs) j.reject(e);
      return;
    }
    const answer = () =>
      jobs.forEach((j, i) => {
        const r = results[i]!;
        if (r.ok) j.resolve(r.value as never);
        else j.reject(r.value);
      });
    const durable = this.core.durable();
    if (durable === null) return answer();
    // Reads wait too: they may have seen this batch's (or an earlier one's) writes.
    this.undurable++;
    durable.then(answer, (e: unknown) => jobs.forEach((j) => j.reject(e))).finally(() => {
      this.undurable--;
      this.schedule();
    });
  }
}

export interface Authenticated {
  account_id: string;
  timestamp_ms: number;
  signature: string;
}

/** Checks the signature headers (not replays: those are claimed in the request's transaction, see ReplayStore). */
export function authenticate(core: Pick<PlatformCore, 'now_ms' | 'apiKey'>, headers: http.IncomingHttpHeaders, method: string, path: string, body: string): Authenticated {
  const key_id = headers['x-api-key'];
  const ts = headers['x-timestamp'];
  const signature = headers['x-signature'];
  if (typeof key_id !== 'string' || typeof ts !== 'string' || typeof signature !== 'string') {
    throw err(401, 'missing_auth', 'signed request required: X-Api-Key, X-Timestamp and X-Signature headers');
  }
  if (!/^\d{1,16}$/.test(ts)) throw err(401, 'invalid_timestamp', 'X-Timestamp must be Unix milliseconds');
  const now = core.now_ms();
  const ts_ms = Number(ts);
  if (Math.abs(now - ts_ms) > SIGNATURE_WINDOW_MS) {
    throw err(401, 'stale_timestamp', `X-Timestamp is more than ${SIGNATURE_WINDOW_MS / 1000} s from the server clock`, { server_time_ms: now });
  }
  const key = key_id.length <= 64 ? core.apiKey(key_id) : null;
  if (!key) throw err(401, 'invalid_api_key', 'unknown API key');
  const expected = sign(key.secret, ts_ms, method, path, body);
  if (!signatureMatches(expected, signature)) throw err(401, 'invalid_signature', 'signature does not match the request');
  return { account_id: key.account_id, timestamp_ms: ts_ms, signature };
}

/** safeParse that also turns a throwing refinement into a validation failure (bad input is never a 500). */
function safeParse(schema: z.ZodType, value: unknown): { success: true; data: unknown } | { success: false; error: z.ZodError } {
  try {
    return schema.safeParse(value);
  } catch (e) {
    return { success: false, error: new z.ZodError([{ code: 'custom', path: [], message: `invalid value: ${(e as Error).message.slice(0, 100)}`, input: value }]) };
  }
}

export function parseQuery(route: Route, search: URLSearchParams): unknown {
  const obj: Record<string, string> = {};
  for (const [k, v] of search) {
    if (k in obj) throw err(400, 'invalid_query', `query parameter ${k} given twice`);
    obj[k] = v;
  }
  const r = safeParse(route.query, obj);
  if (!r.success) throw err(400, 'invalid_query', 'query parameters do not match the schema', zodDetails(r.error));
  return r.data;
}

function parseBody(route: Route, raw: string, contentType: string | undefined): unknown {
  if (!route.body) {
    if (raw.length > 0) throw err(400, 'body_not_allowed', `${route.method} ${route.path} takes no body`);
    return undefined;
  }
  if (contentType !== undefined && !/^application\/json\b/i.test(contentType)) {
    throw err(415, 'unsupported_media_type', 'send the body as application/json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw err(400, 'malformed_json', 'the body is not valid JSON');
  }
  const r = safeParse(route.body, parsed);
  if (!r.success) throw err(400, 'validation_failed', 'the body does not match the schema', zodDetails(r.error));
  return r.data;
}

/**
 * The client's address for per-address limits: the socket's peer, or, when that peer is a
 * trusted proxy (a reader, http/reader.ts, or the operator's load balancer), the address it
 * forwards in X-Forwarded-For (one address; the proxy overwrites whatever the client sent).
 * Without this, one client's failed authentications through a reader would block every
 * client of that reader.
 */
export function clientAddress(req: http.IncomingMessage, trusted_proxies: ReadonlySet<string>): string {
  const peer = req.socket.remoteAddress ?? '?';
  const forwarded = req.headers['x-forwarded-for'];
  if (!trusted_proxies.has(peer) || typeof forwarded !== 'string') return peer;
  const address = forwarded.trim();
  return isIP(address) ? address : peer;
}

/** Takes a token from the limiter's bucket for key, or refuses with 429. */
export function limit(limiter: RateLimiter | null, key: string): void {
  if (!limiter) return;
  const wait = limiter.take(key);
  if (wait > 0) throw err(429, 'rate_limited', 'too many requests; retry after the Retry-After delay', { retry_after_ms: wait });
}

/** Runs check() unless this key id or address has failed too often; counts its 401s. */
export function authenticateLimited<T>(authFailures: AuthFailureLimiter | null, headers: http.IncomingHttpHeaders, address: string, check: () => T): T {
  const presented = headers['x-api-key'];
  const key_id = typeof presented === 'string' && presented.length <= 64 ? presented : undefined;
  const wait = authFailures?.waitMs(key_id, address) ?? 0;
  if (wait > 0) throw err(429, 'auth_rate_limited', 'too many failed authentications; retry after the Retry-After delay', { retry_after_ms: wait });
  try {
    return check();
  } catch (e) {
    if (e instanceof PlatformError && e.status === 401) authFailures?.failed(key_id, address);
    throw e;
  }
}

export function startHttp(opts: HttpOptions): Promise<HttpServer> {
  const core = opts.core;
  const rl = opts.rate_limit === false ? null : { ...DEFAULT_RATE_LIMIT, ...opts.rate_limit };
  const privateLimiter = rl ? new RateLimiter(rl.private_capacity, rl.private_refill_per_s, core.now_ms) : null;
  const publicLimiter = rl ? new RateLimiter(rl.public_capacity, rl.public_refill_per_s, core.now_ms) : null;
  const authFailures = rl ? new AuthFailureLimiter(rl, core.now_ms) : null;
  const trusted = new Set(opts.trusted_proxies ?? []);
  const addressOf = (req: http.IncomingMessage) => clientAddress(req, trusted);
  const replay = new ReplayStore(core.store);
  const committer = new GroupCommitter(core);
  const onError = opts.on_error ?? ((e: unknown, where: string) => console.error(`platform: unexpected error in ${where}:`, e));
  let openapi: string | null = null;

  const send = (res: http.ServerResponse, status: number, body: string, extra?: Record<string, string>) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...extra });
    res.end(body);
  };
  const sendError = (res: http.ServerResponse, e: PlatformError) => {
    const body = JSON.stringify({ error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) } });
    const extra: Record<string, string> = {};
    if (e.status === 429 && typeof e.details === 'object' && e.details !== null && 'retry_after_ms' in e.details) {
      extra['retry-after'] = String(Math.max(1, Math.ceil(Number((e.details as { retry_after_ms: number }).retry_after_ms) / 1000)));
    }
    if (e.status === 405 && Array.isArray(e.details)) extra.allow = (e.details as string[]).join(', ');
    // A body we refused to read: close so the client does not keep streaming into us.
    if (e.status === 413) extra.connection = 'close';
    send(res, e.status, body, extra);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > 2048) throw err(414, 'uri_too_long', 'request URI above 2048 characters');
    let url: URL;
    try {
      url = new URL(rawUrl, 'http://localhost');
    } catch {
      throw err(400, 'invalid_url', 'the request URL cannot be parsed');
    }
    if (url.pathname === '/openapi.json' && method === 'GET') {
      limit(publicLimiter, addressOf(req));
      openapi ??= JSON.stringify(openApiDocument());
      send(res, 200, openapi);
      return;
    }
    const { match, methods } = matchRoute(method, url.pathname);
    if (!match) {
      if (methods.length > 0) throw err(405, 'method_not_allowed', `${method} is not allowed here`, methods);
      throw err(404, 'not_found', `no route ${method} ${url.pathname}`);
    }
    const route = match.route;
    for (const [k, v] of Object.entries(match.params)) {
      if (!zPathParam.safeParse(v).success) throw err(400, 'invalid_path_parameter', `${k} is not a valid id`);
    }
    const raw = await readBody(req);
    const address = addressOf(req);
    let auth: Authenticated | null = null;
    if (route.auth) {
      auth = authenticateLimited(authFailures, req.headers, address, () => authenticate(core, req.headers, method, rawUrl, raw));
      limit(privateLimiter, auth.account_id);
    } else {
      limit(publicLimiter, address);
    }
    const query = parseQuery(route, url.searchParams);
    const body = parseBody(route, raw, req.headers['content-type']);
    const account_id = auth?.account_id ?? '';
    const reply = await committer.run(() => {
      // Writes only: replaying a read is harmless, and two identical reads signed in the same
      // millisecond (a sync engine polling twice) must both succeed.
      if (auth && method !== 'GET' && !replay.claim(auth.timestamp_ms, auth.signature)) {
        throw err(401, 'replayed_request', 'this signed request was already received; re-sign it with a new timestamp to send it again');
      }
      return route.handle({ core, account_id, params: match.params, query, body });
    });
    send(res, reply.status ?? route.status, reply.raw ?? JSON.stringify(reply.json));
  }

  const server = http.createServer({ keepAliveTimeout: 30_000, requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof PlatformError) sendError(res, e);
      else {
        onError(e, `${req.method} ${req.url?.split('?')[0]}`);
        sendError(res, new PlatformError(500, 'internal_error', 'unexpected server error; nothing was changed'));
      }
    });
  });
  server.maxHeadersCount = 50;
  const pruneTimer = setInterval(() => {
    try {
      replay.prune(core.now_ms());
    } catch (e) {
      onError(e, 'replay prune');
    }
  }, REPLAY_PRUNE_INTERVAL_MS);
  pruneTimer.unref();
  const ws = attachWebSocket(server, coreWsSource(core), opts.ws ?? {}, onError, authFailures, addressOf);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        server,
        port,
        url: `http://127.0.0.1:${port}`,
        wsConnections: ws.connections,
        close: async () => {
          clearInterval(pruneTimer);
          await ws.close();
          await new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          });
        },
      });
    });
  });
}
