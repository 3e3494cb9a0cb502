// A read API process (docs/PLATFORM.md "Several API processes"): one more process in front of
// the same PostgreSQL as the writer, behind the same load balancer. It serves the event
// feed (the catch-up reads, the heaviest of them) straight from PostgreSQL, and forwards
// every other request, signed writes included, unchanged to the writer. The writer alone
// claims replay signatures, request_ids and client_order_ids, and PostgreSQL's unique keys
// back that up, so a signed request that reaches both processes is applied once.
// Events are read only once committed (the writer answers after its flush), so a feed page
// here never shows what the writer might still lose.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { PlatformError } from '../core/errors.js';
import { SecretBox } from '../core/secret-box.js';
import { openPool, validatePostgresUrl } from '../core/store-pg.js';
import { assert } from '../core/units.js';
import { authenticate, err, parseQuery, readBody } from './server.js';
import { DEFAULT_EVENTS, matchRoute } from './routes.js';

export interface ReaderOptions {
  database_url: string;
  /** The writer's base URL (http://host:port), where everything but the feed goes. */
  writer_url: string;
  /** The same key file as the writer's: the reader verifies signatures itself. */
  secrets_key_file: string;
  port?: number;
  now_ms?: () => number;
  on_error?: (err: unknown, where: string) => void;
}

export interface RunningReader {
  url: string;
  port: number;
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

  async function feed(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const { match } = matchRoute('GET', url.pathname);
    assert(match, 'feed route');
    const raw = await readBody(req);
    const key_id = req.headers['x-api-key'];
    const row = typeof key_id === 'string' && key_id.length <= 64 ? (await pool.query<{ account_id: string; secret: string }>(`SELECT account_id, secret FROM api_keys WHERE key_id = $1`, [key_id])).rows[0] : undefined;
    const key = row ? { account_id: row.account_id, secret: box.open(row.secret) } : null;
    const auth = authenticate({ now_ms, apiKey: () => key }, req.headers, 'GET', req.url!, raw);
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

  function forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
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
    const local = url !== null && req.method === 'GET' && url.pathname === '/v1/events';
    (local ? feed(req, res, url!) : forward(req, res)).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      const pe = e instanceof PlatformError ? e : new PlatformError(500, 'internal_error', 'unexpected server error; nothing was changed');
      if (!(e instanceof PlatformError)) onError(e, `${req.method} ${rawUrl.split('?')[0]}`);
      const body = JSON.stringify({ error: { code: pe.code, message: pe.message, ...(pe.details === undefined ? {} : { details: pe.details }) } });
      res.writeHead(pe.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: async () => {
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
