// Programmatic entry: the desktop app embeds the platform with this, tests start it with
// this, and platform/cli.ts is a thin wrapper around it. Binds 127.0.0.1 only.
import { PlatformCore, type CoreOptions, type PlatformConfig } from './core/core.js';
import { PgStore } from './core/store-pg.js';
import { startHttp } from './http/server.js';
import type { RateLimitConfig } from './http/ratelimit.js';
import type { WsOptions } from './http/ws.js';
import { backfill } from './sim/backfill.js';
import { demoTrades, seedDemoAccount, type DemoCredentials } from './sim/demo.js';
import { MarketSimulator } from './sim/simulator.js';

export { PlatformCore, DEFAULT_CONFIG, DEFAULT_PLAN, type PlatformConfig, type CoreMessage } from './core/core.js';
export { PlatformError } from './core/errors.js';
export { MarketSimulator } from './sim/simulator.js';
export type { DemoCredentials } from './sim/demo.js';

export interface StartPlatformOptions {
  /** 0 (default) = a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** better-sqlite3 options of the embedding process (its native binding, in the desktop app). */
  sqlite_options?: CoreOptions['sqlite_options'];
  /** SQLite file; ':memory:' allowed. Give this or `database_url`. */
  db_path?: string;
  /** postgres://… : the PostgreSQL engine (store-pg.ts) instead of the SQLite file. */
  database_url?: string;
  /** How long a PostgreSQL writer waits for the previous writer's lock at start (default 10 s). */
  writer_lock_wait_ms?: number;
  /** Key that seals API secrets; default `<db_path>.secrets-key` (required with `database_url`). */
  secrets_key_file?: string;
  /**
   * Called once when the PostgreSQL writer fails stop (a flush failed: the platform then
   * answers 503 to everything). Default: on_error. The CLI exits, so a supervisor restarts
   * it from what PostgreSQL holds.
   */
  on_store_failure?: (err: unknown) => void;
  seed_demo?: boolean;
  simulate?: boolean;
  period_ms?: number;
  backfill_days?: number;
  seed?: number;
  /** false disables rate limiting (benchmarks). */
  rate_limit?: Partial<RateLimitConfig> | false;
  now_ms?: () => number;
  /** Simulator step interval. */
  sim_step_ms?: number;
  /** Period-close and GTD-expiry timer. */
  tick_ms?: number;
  ws?: Partial<WsOptions>;
  config?: Partial<PlatformConfig>;
  on_error?: (err: unknown, where: string) => void;
  /** Peers (readers, a load balancer) whose X-Forwarded-For names the client for per-address limits. */
  trusted_proxies?: string[];
}

export interface RunningPlatform {
  url: string;
  port: number;
  demo_credentials?: DemoCredentials;
  core: PlatformCore;
  simulator?: MarketSimulator;
  /** Open WebSocket connections (a read API process holds one, whatever its own clients). */
  wsConnections(): number;
  close(): Promise<void>;
}

export async function startPlatform(opts: StartPlatformOptions): Promise<RunningPlatform> {
  if (opts.host !== undefined && opts.host !== '127.0.0.1') throw new Error('the platform binds 127.0.0.1 only');
  const base = opts.now_ms ?? (() => Date.now());
  let offset_ms = 0;
  if ((opts.db_path === undefined) === (opts.database_url === undefined)) throw new Error('give the platform either db_path (SQLite) or database_url (PostgreSQL)');
  const onError = opts.on_error ?? ((e: unknown, where: string) => console.error(`platform: unexpected error in ${where}:`, e));
  const pgStore = opts.database_url === undefined ? undefined : await PgStore.open(opts.database_url, { ...(opts.writer_lock_wait_ms === undefined ? {} : { lock_wait_ms: opts.writer_lock_wait_ms }) });
  pgStore?.onFailure(opts.on_store_failure ?? ((e) => onError(e, 'PostgreSQL flush')));
  const core = new PlatformCore({
    ...(pgStore ? { store: pgStore } : { db_path: opts.db_path }),
    ...(opts.secrets_key_file ? { secrets_key_file: opts.secrets_key_file } : {}),
    ...(opts.sqlite_options ? { sqlite_options: opts.sqlite_options } : {}),
    now_ms: () => base() + offset_ms,
    config: { ...opts.config, ...(opts.period_ms !== undefined ? { period_ms: opts.period_ms } : {}) },
  });
  const seed = opts.seed ?? 1;
  let demo: DemoCredentials | undefined;
  let simulator: MarketSimulator | undefined;
  let ticker: NodeJS.Timeout | undefined;
  try {
    core.tick();
    if (opts.seed_demo) demo = seedDemoAccount(core, (ms) => (offset_ms = ms));
    if (opts.backfill_days && opts.backfill_days > 0) backfill(core, opts.backfill_days, seed);
    if (opts.simulate) {
      simulator = new MarketSimulator(core, { seed, demo_account_id: demo?.account_id });
      simulator.setup();
      for (let i = 0; i < 30; i++) simulator.step();
      if (demo) demoTrades(core, demo.account_id);
      simulator.start(opts.sim_step_ms ?? 700, (e) => (opts.on_error ?? console.error)(e, 'simulator'));
    }
    ticker = setInterval(() => {
      try {
        core.tick();
      } catch (e) {
        onError(e, 'tick');
      }
    }, opts.tick_ms ?? 1000);
    ticker.unref();
    await core.durable(); // the seeded start is in the store before anything is served
    const http = await startHttp({ core, port: opts.port ?? 0, host: '127.0.0.1', rate_limit: opts.rate_limit, ws: opts.ws, on_error: opts.on_error, ...(opts.trusted_proxies ? { trusted_proxies: opts.trusted_proxies } : {}) });
    let closed = false;
    return {
      url: http.url,
      port: http.port,
      ...(demo ? { demo_credentials: demo } : {}),
      core,
      ...(simulator ? { simulator } : {}),
      wsConnections: http.wsConnections,
      close: async () => {
        if (closed) return;
        closed = true;
        simulator?.stop();
        clearInterval(ticker);
        await http.close();
        await core.close();
      },
    };
  } catch (e) {
    simulator?.stop();
    clearInterval(ticker);
    await core.close();
    throw e;
  }
}
