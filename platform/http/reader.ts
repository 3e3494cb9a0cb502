// A read API process (docs/PLATFORM.md "Several API processes"): one more process in front of
// the same PostgreSQL as the writer, behind the same load balancer. It serves the event
// feed (the catch-up reads, the heaviest of them) and the public trades and candles straight
// from PostgreSQL, serves WebSockets itself (its clients' events from PostgreSQL, the market
// relayed from one connection to the writer), and forwards every other request, signed
// writes included, unchanged to the writer. The writer alone
// claims replay signatures, request_ids and client_order_ids, and PostgreSQL's unique keys
// back that up, so a signed request that reaches both processes is applied once.
// Events are read only once committed (the writer answers after its flush), so a feed page
// here never shows what the writer might still lose.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { PlatformError } from '../core/errors.js';
import { SecretBox } from '../core/secret-box.js';
import { openPool, validatePostgresUrl } from '../core/pg-connect.js';
import { assert } from '../core/units.js';
import { authenticate, authenticateLimited, clientAddress, err, limit, parseQuery, readBody } from './server.js';
import { DEFAULT_CANDLES, DEFAULT_EVENTS, DEFAULT_TRADES, matchRoute } from './routes.js';
import { AuthFailureLimiter, DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitConfig } from './ratelimit.js';
import { candlesPage, tradeView } from '../core/market-data.js';
import type { CandleRow, TradeRow } from '../core/store.js';
import type { CandleInterval } from '../../shared/platform/events.js';
import { EventTail } from './reader-events.js';
import { MarketRelay } from './reader-market.js';
import { attachWebSocket, type WsOptions, type WsSource } from './ws.js';

export interface ReaderOptions {
  database_url: string;
  /** The writer's base URL (http://host:port), where everything but the feed goes. */
  writer_url: string;
  /** The same key file as the writer's: the reader verifies signatures itself. */
  secrets_key_file: string;
  port?: number;
  now_ms?: () => number;
  /** A load balancer in front of this reader whose X-Forwarded-For names the client. */
  trusted_proxies?: string[];
  /** Limits of the reads served here (as the writer's); false disables them (benchmarks). */
  rate_limit?: Partial<RateLimitConfig> | false;
  on_error?: (err: unknown, where: string) => void;
  /** WebSocket limits and allowed Origins (as the writer's). */
  ws?: Partial<WsOptions>;
  /** Events are read by num at least this often besides each notification (default 1 s). */
  events_poll_ms?: number;
}

export interface RunningReader {
  url: string;
  port: number;
  /** Open WebSocket connections of this process's own clients. */
  wsConnections(): number;
  /** The market relay's and the events tail's counters (diagnostics, tests). */
  stats(): { market: MarketRelay['stats']; events: EventTail['stats'] };
  close(): Promise<void>;
}

/** Headers a forwarded request keeps (hop-by-hop ones are the proxy's own business). */
const FORWARDED_HEADERS = ['content-type', 'content-length', 'x-api-key', 'x-timestamp', 'x-signature'];
const FORWARD_TIMEOUT_MS = 30_000;

async function secretBox(pool: pg.Pool, file: string): Promise<SecretBox> {
  const check = await pool.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'secrets_key_check'`);
  const value = check.rows[0]?.value;
  if (value === undefined) throw new Error('this database has no secrets key check yet: start the writer first');
  return SecretBox.forStore(
    {
      getMeta: (key) => (key === 'secrets_key_check' ? value : undefined),
      sampleSealedSecret: () => undefined,
      setMeta: () => assert(false, 'a reader never writes the secrets key check'),
    },
    file,
  );
}

export async function startReader(opts: ReaderOptions): Promise<RunningReader> {
  validatePostgresUrl(opts.database_url);
  const writer = new URL(opts.writer_url);
  assert(writer.protocol === 'http:', 'the writer URL must be http:// (loopback or a private network)');
  const pool = openPool(opts.database_url, 8);
  let box: SecretBox;
  try {
    box = await secretBox(pool, opts.secrets_key_file);
  } catch (e) {
    await pool.end();
    throw e;
  }
  const now_ms = opts.now_ms ?? (() => Date.now());
  const onError = opts.on_error ?? ((e: unknown, where: string) => console.error(`platform reader: unexpected error in ${where}:`, e));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  // What is served here is limited here, as the writer limits it (per address, per account,
  // failed authentications per key and address); what is forwarded, by the writer.
  const rl = opts.rate_limit === false ? null : { ...DEFAULT_RATE_LIMIT, ...opts.rate_limit };
  const publicLimiter = rl ? new RateLimiter(rl.public_capacity, rl.public_refill_per_s, now_ms) : null;
  const privateLimiter = rl ? new RateLimiter(rl.private_capacity, rl.private_refill_per_s, now_ms) : null;
  const authFailures = rl ? new AuthFailureLimiter(rl, now_ms) : null;
  const trusted = new Set(opts.trusted_proxies ?? []);
  const addressOf = (req: http.IncomingMessage) => clientAddress(req, trusted);

  /** An API key as the feed and the WebSocket check it: read from PostgreSQL, secret unsealed. */
  async function apiKey(key_id: unknown): Promise<{ account_id: string; secret: string } | null> {
    if (typeof key_id !== 'string' || key_id.length > 64) return null;
    const row = (await pool.query<{ account_id: string; secret: string }>(`SELECT account_id, secret FROM api_keys WHERE key_id = $1`, [key_id])).rows[0];
    return row ? { account_id: row.account_id, secret: box.open(row.secret) } : null;
  }

  async function feed(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const { match } = matchRoute('GET', url.pathname);
    assert(match, 'feed route');
    const raw = await readBody(req);
    const address = addressOf(req);
    // A key or address that failed too often is refused before the database is asked.
    authenticateLimited(authFailures, req.headers, address, () => undefined);
    const key = await apiKey(req.headers['x-api-key']);
    const auth = authenticateLimited(authFailures, req.headers, address, () => authenticate({ now_ms, apiKey: () => key }, req.headers, 'GET', req.url!, raw));
    limit(privateLimiter, auth.account_id);
    if (raw.length > 0) throw err(400, 'body_not_allowed', 'GET /v1/events takes no body');
    const q = parseQuery(match.route, url.searchParams) as { after: number; limit?: number };
    // One statement, one snapshot: last_seq is at least every seq on the page. Seqs are
    // 1..n without gaps, so the page is the range (after, after + limit]: bounded work
    // whatever plan the statistics suggest (an unanalyzed table made PostgreSQL sort every
    // later event for each page).
    const r = await pool.query<{ last: number; page: string }>(
      `SELECT (SELECT coalesce(max(seq), 0) FROM events WHERE account_id = $1) AS last,
              coalesce((SELECT string_agg(json, ',' ORDER BY seq) FROM events WHERE account_id = $1 AND seq > $2 AND seq <= $2::bigint + $3::bigint), '') AS page`,
      [auth.account_id, q.after, q.limit ?? DEFAULT_EVENTS],
    );
    const body = `{"events":[${r.rows[0]!.page}],"last_seq":${r.rows[0]!.last}}`;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  /** Public trades and candles, read from PostgreSQL and shaped as the writer shapes them (market-data.ts). */
  async function marketData(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const { match } = matchRoute('GET', url.pathname);
    assert(match, 'market data route');
    if ((await readBody(req)).length > 0) throw err(400, 'body_not_allowed', `GET ${url.pathname} takes no body`);
    limit(publicLimiter, addressOf(req));
    let json: unknown;
    if (url.pathname === '/v1/trades') {
      const q = parseQuery(match.route, url.searchParams) as { before?: number; limit?: number };
      const r = await pool.query<TradeRow>(`SELECT num, time_ms, price_ticks, qty_lots, taker_side FROM trades WHERE num < $1 ORDER BY num DESC LIMIT $2`, [
        q.before ?? Number.MAX_SAFE_INTEGER,
        q.limit ?? DEFAULT_TRADES,
      ]);
      json = { trades: r.rows.map(tradeView) };
    } else {
      const q = parseQuery(match.route, url.searchParams) as { interval: CandleInterval; before?: number; limit?: number };
      const r = await pool.query<CandleRow>(
        `SELECT bucket_s, open_ticks, high_ticks, low_ticks, close_ticks, volume_lots FROM candles WHERE interval = $1 AND bucket_s < $2 ORDER BY bucket_s DESC LIMIT $3`,
        [q.interval, q.before ?? Number.MAX_SAFE_INTEGER, q.limit ?? DEFAULT_CANDLES],
      );
      json = candlesPage(q.interval, r.rows);
    }
    const body = JSON.stringify(json);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  function forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      // The client's own X-Forwarded-For is dropped (not in FORWARDED_HEADERS): the writer
      // trusts this one only from its trusted proxies.
      const headers: Record<string, string> = { 'x-forwarded-for': addressOf(req) };
      for (const h of FORWARDED_HEADERS) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      const out = http.request(new URL(req.url!, writer), { method: req.method, headers, agent, timeout: FORWARD_TIMEOUT_MS }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', reject);
      });
      out.on('timeout', () => out.destroy(new Error('writer timeout')));
      out.on('error', () => reject(err(502, 'writer_unavailable', 'the platform writer did not answer; retry (signed writes are idempotent by client_order_id / request_id)')));
      req.pipe(out);
    });
  }

  const server = http.createServer({ keepAliveTimeout: 30_000, requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    const rawUrl = req.url ?? '/';
    let url: URL | null = null;
    try {
      url = rawUrl.length <= 2048 ? new URL(rawUrl, 'http://localhost') : null;
    } catch {
      url = null;
    }
    const get = url !== null && req.method === 'GET' ? url.pathname : '';
    const served = get === '/v1/events' ? feed(req, res, url!) : get === '/v1/trades' || get === '/v1/candles' ? marketData(req, res, url!) : forward(req, res);
    served.catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      const pe = e instanceof PlatformError ? e : new PlatformError(500, 'internal_error', 'unexpected server error; nothing was changed');
      if (!(e instanceof PlatformError)) onError(e, `${req.method} ${rawUrl.split('?')[0]}`);
      const body = JSON.stringify({ error: { code: pe.code, message: pe.message, ...(pe.details === undefined ? {} : { details: pe.details }) } });
      const retry = pe.status === 429 ? { 'retry-after': String(Math.max(1, Math.ceil((pe.details as { retry_after_ms: number }).retry_after_ms / 1000))) } : {};
      res.writeHead(pe.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...retry });
      res.end(body);
    });
  });

  // WebSockets are served here: events from PostgreSQL, the market from one connection to the writer.
  const market = new MarketRelay({ writer_url: writer, now_ms, on_error: onError });
  const events = new EventTail(pool, { database_url: opts.database_url, on_error: onError, ...(opts.events_poll_ms === undefined ? {} : { poll_ms: opts.events_poll_ms }) });
  const source: WsSource = {
    now_ms,
    apiKey,
    lastSeq: (account_id) => events.lastSeq(account_id),
    knownSeq: (account_id) => events.knownSeq(account_id),
    bookSnapshot: (depth) => market.bookSnapshot(depth),
    ticker: () => market.ticker(),
    bookSeq: () => market.bookSeq(),
    onMessage: (listener) => {
      const offs = [market.onMessage(listener), events.onMessage(listener)];
      return () => offs.forEach((off) => off());
    },
  };
  try {
    await events.start();
  } catch (e) {
    await events.close();
    await pool.end();
    throw e;
  }
  market.start();
  const ws = attachWebSocket(server, source, opts.ws ?? {}, onError, authFailures, addressOf);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        wsConnections: ws.connections,
        stats: () => ({ market: { ...market.stats }, events: { ...events.stats } }),
        close: async () => {
          await ws.close();
          await market.close();
          await events.close();
          await new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          });
          agent.destroy();
          await pool.end();
        },
      });
    });
  });
}
