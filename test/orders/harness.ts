// Deterministic fault simulation of the order engine (issue #5). One seed = one run:
// the REAL order service (outbox, sender, reconcile) and the REAL ledger against the REAL
// platform core, in process, on a virtual clock, with seeded faults:
//   transport: requests dropped, responses dropped after the platform applied them,
//              timeouts, 429 (Retry-After), 5xx, the platform down (restarting);
//   process:   crash between writing and sending, and between sending and hearing back
//              (in-memory state discarded, the SQLite file reopened);
//   sync:      the REAL sync engine keeps the ledger caught up, over an in-process REST
//              client and WebSocket stream (sim-sync.ts) with seeded faults: live events
//              dropped (gaps), duplicated, stale, reordered; stream errors, closes, half-open
//              silences, refused connects; REST errors and timeouts. Its timers run on the
//              virtual clock (virtual-timers.ts) and its backoff jitter is seeded;
//   platform:  restart (core closed and reopened on its file, book rebuilt; streams close).
// Invariants after every step and at the end: see checkStep() and checkFinal().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Order as OrderSchema, type Order, type OrderRequest } from '../../shared/platform/api.js';
import { dec, toCanonical } from '../../shared/money.js';
import { PlatformCore } from '../../platform/core/core.js';
import { PlatformError as CoreError } from '../../platform/core/errors.js';
import { PlatformError as ClientError } from '../../electron/services/platform-client/errors.js';
import { openLedger, type Ledger } from '../../electron/services/ledger/index.js';
import {
  createOrderService,
  OrderEntryError,
  toTransportError,
  TransportError,
  type Clock,
  type DrainResult,
  type OrderService,
  type OrderTransport,
  type OrderView,
} from '../../electron/services/orders/index.js';
import { createSyncEngine, type SyncEngine } from '../../electron/services/sync/index.js';
import { rng } from '../sim/gen.js';
import { SimSyncNet, type SyncFaultRates } from './sim-sync.js';
import { flushMicrotasks, VirtualClock, type TimerGroup } from './virtual-timers.js';

/** Faulty steps per seed in `npm run sim` (the suite); `npm test` runs fewer. */
export const SUITE_STEPS = 120;
/** Bound on SIM_ORDERS_STEPS (the replay of a run with another step count). */
export const STEPS_MAX = 10_000;
/** The one-line replay of a seed (with its step count when it is not the suite's). */
export const REPLAY = (seed: number, steps = SUITE_STEPS) =>
  `${steps === SUITE_STEPS ? '' : `SIM_ORDERS_STEPS=${steps} `}npm run sim -- --suite orders --seed ${seed}`;

export interface SimOptions {
  seed: number;
  /** Random steps with faults before the calm phase. */
  steps?: number;
  /** Where the SQLite files go (default: /dev/shm when present, else the OS temp dir). */
  dir?: string;
  /**
   * Fold the ledger into the orders (svc.refresh) the moment the sync engine reports that it
   * moved, also while a drain is awaiting the platform, as the app wires it (wallet-app.ts).
   * Default true. false: a refresh that lands during a drain waits until the drain returns.
   * (With true, seed 18 once found a cancel retried after the feed had ended its order; fixed
   * in OrderService.sendCancels.)
   */
  concurrent_refresh?: boolean;
}

export interface SimReport {
  seed: number;
  placed: number;
  refused: number;
  on_platform: number;
  filled_or_partial: number;
  crashes: number;
  platform_restarts: number;
  faults: Record<string, number>;
  /** Final local states, counted. */
  states: Record<string, number>;
  final_virtual_ms: number;
  /** Rounds the calm phase needed to drain (liveness). */
  calm_rounds: number;
  /** Orders placed on the account from elsewhere; cancels of them asked from this wallet; of those, canceled on the platform. */
  placed_elsewhere: number;
  external_cancels_asked: number;
  external_canceled: number;
}

class SimFailure extends Error {
  override name = 'SimFailure';
}

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const USER_DEPOSIT_USD = '200';
const MM_DEPOSIT_USD = '100000';
/** Calm phase: passes allowed to reach quiescence (liveness bound). */
const CALM_ROUNDS_MAX = 400;
/** The sync engine's timing in the simulation (virtual ms). */
const SYNC_HEARTBEAT_MS = 1000;
const SYNC_HEARTBEAT_TIMEOUT_MS = 5000;
const SYNC_BACKOFF_INITIAL_MS = 250;
const SYNC_BACKOFF_MAX_MS = 4000;
const SYNC_REST_TIMEOUT_MS = 2000;
/** The platform sweeps expiries and closes periods on this period (platform/index.ts, tick_ms). */
const PLATFORM_TICK_MS = 1000;

interface FaultRates {
  drop_request: number;
  drop_response: number;
  timeout: number;
  rate_limited: number;
  server_error: number;
  crash_before_send: number;
  crash_after_send: number;
  /** The request is held in the network and reaches the platform later (a straggler). */
  delayed: number;
}

/** The platform as the transport sees it: up (a core) or down (restarting). */
interface PlatformHolder {
  core: PlatformCore | null;
}

interface CrashSignal {
  promise: Promise<'crash'>;
  fire: () => void;
  fired: boolean;
}

function crashSignal(): CrashSignal {
  let fire = () => {};
  const s: CrashSignal = { promise: new Promise<'crash'>((r) => (fire = () => r('crash'))), fire: () => {}, fired: false };
  s.fire = () => {
    s.fired = true;
    fire();
  };
  return s;
}

/** Maps the core's refusal to what the HTTP client would throw, then to the engine's reading. */
function asClientError(e: unknown): TransportError {
  if (e instanceof CoreError) {
    return toTransportError(new ClientError({ status: e.status, code: e.code, message: e.message, details: e.details }));
  }
  throw e; // anything else out of the core is a bug: fail the seed
}

/**
 * In-process transport with seeded faults, and the protocol checks of the first guard:
 * no create for an order whose creation the engine already heard about, and no create
 * after a lost answer without a lookup in between.
 */
class SimTransport implements OrderTransport {
  faults_on = true;
  crash: CrashSignal = crashSignal();
  readonly confirmed = new Set<string>();
  readonly unresolved = new Set<string>();
  /** Orders with a request held in the network: the platform may legitimately see them twice. */
  readonly straggled = new Set<string>();
  readonly counts: Record<string, number> = {};
  duplicates_absorbed = 0;
  readonly violations: string[] = [];
  private not_before_ms = 0;
  /** Ends of Retry-After delays handed to the engine and not yet seen in its status. */
  private retry_after_ends: number[] = [];

  forgetUnheard(): void {
    this.retry_after_ends = [];
  }

  /**
   * The engine announced a status change. It does so when it takes a 429 in (and before it
   * can issue anything else), so from here on every Retry-After it was given must hold.
   */
  onEngineStatus(): void {
    if (this.retry_after_ends.length === 0) return;
    this.not_before_ms = Math.max(this.not_before_ms, ...this.retry_after_ends);
    this.retry_after_ends = [];
  }
  /** Requests held in the network: applied by deliverStragglers() once due (lost if the platform is down). */
  private delayed: { due_ms: number; apply: (core: PlatformCore) => void }[] = [];

  constructor(
    private readonly holder: PlatformHolder,
    private readonly account_id: string,
    private readonly r: () => number,
    private readonly rates: FaultRates,
    private readonly now_ms: () => number,
  ) {}

  private count(k: string): void {
    this.counts[k] = (this.counts[k] ?? 0) + 1;
  }

  private roll(p: number): boolean {
    return this.faults_on && this.r() < p;
  }

  private hang<T>(): Promise<T> {
    this.crash.fire();
    return new Promise<T>(() => {});
  }

  /** Runs `apply` against the core with faults around it. */
  private async call<T>(kind: string, cid: string | null, apply: (core: PlatformCore) => T, ok: (v: T) => void): Promise<T> {
    // Retry-After is honoured: once the engine has taken a 429 in (its status says paused),
    // nothing is issued before the delay ends.
    if (this.now_ms() < this.not_before_ms) this.violations.push(`${kind} at ${this.now_ms()} before Retry-After ended at ${this.not_before_ms}`);
    await Promise.resolve();
    const core = this.holder.core;
    if (core === null) {
      this.count('platform_down');
      if (cid) this.unresolvedIfCreate(kind, cid);
      throw new TransportError('unknown', 'network_error', 'connection refused (platform restarting)');
    }
    if (this.roll(this.rates.rate_limited)) {
      this.count('429');
      const retry_after_ms = 100 + Math.floor(this.r() * 2000);
      this.retry_after_ends.push(this.now_ms() + retry_after_ms);
      throw toTransportError(new ClientError({ status: 429, code: 'rate_limited', message: 'slow down', retry_after_ms }));
    }
    if (this.roll(this.rates.server_error)) {
      this.count('5xx');
      throw toTransportError(new ClientError({ status: 503, code: 'server_busy', message: 'try again' }));
    }
    if (this.roll(this.rates.drop_request)) {
      this.count('request_dropped');
      if (cid) this.unresolvedIfCreate(kind, cid);
      throw toTransportError(new ClientError({ status: 0, code: 'timeout', message: 'request lost' }));
    }
    if (kind !== 'lookup' && this.roll(this.rates.delayed)) {
      this.count('delayed');
      if (cid) this.unresolvedIfCreate(kind, cid);
      if (cid) this.straggled.add(cid);
      this.delayed.push({ due_ms: this.now_ms() + Math.floor(this.r() * 20_000), apply: (c) => void apply(c) });
      throw toTransportError(new ClientError({ status: 0, code: 'timeout', message: 'no answer in time (request still in the network)' }));
    }
    if (this.roll(this.rates.crash_before_send)) {
      this.count('crash_before_send');
      if (cid) this.unresolvedIfCreate(kind, cid);
      return this.hang<T>();
    }
    let value: T;
    try {
      value = apply(core);
    } catch (e) {
      throw asClientError(e);
    }
    if (this.roll(this.rates.crash_after_send)) {
      this.count('crash_after_send');
      if (cid) this.unresolvedIfCreate(kind, cid);
      return this.hang<T>();
    }
    if (this.roll(this.rates.drop_response)) {
      this.count('response_dropped');
      if (cid) this.unresolvedIfCreate(kind, cid);
      throw toTransportError(new ClientError({ status: 0, code: 'timeout', message: 'answer lost' }));
    }
    if (this.roll(this.rates.timeout)) {
      this.count('timeout');
      if (cid) this.unresolvedIfCreate(kind, cid);
      throw toTransportError(new ClientError({ status: 0, code: 'timeout', message: 'no answer in time' }));
    }
    ok(value);
    return value;
  }

  nextStragglerMs(): number {
    return this.delayed.reduce((m, d) => Math.min(m, d.due_ms), Infinity);
  }

  hasStragglers(): boolean {
    return this.delayed.length > 0;
  }

  deliverStragglers(now_ms: number): void {
    const due = this.delayed.filter((d) => d.due_ms <= now_ms);
    this.delayed = this.delayed.filter((d) => d.due_ms > now_ms);
    for (const d of due) {
      const core = this.holder.core;
      if (!core) continue; // lost with the connection
      this.count('straggler_delivered');
      try {
        d.apply(core);
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
      }
    }
  }

  private unresolvedIfCreate(kind: string, cid: string): void {
    if (kind === 'create') this.unresolved.add(cid);
  }

  async createOrder(req: OrderRequest): Promise<{ order: Order; created: boolean }> {
    const cid = req.client_order_id;
    // Recorded, not thrown: the engine would read a throw as a lost answer.
    if (this.confirmed.has(cid)) this.violations.push(`order ${cid} sent again after its creation was confirmed`);
    if (this.unresolved.has(cid)) this.violations.push(`order ${cid} resent after a lost answer without a lookup first`);
    this.count('create');
    try {
      return await this.call(
        'create',
        cid,
        (core) => {
          const r = core.placeOrder(this.account_id, req);
          if (!r.created) {
            if (this.straggled.has(cid)) this.count('straggler_absorbed');
            else this.duplicates_absorbed++;
          }
          return { order: OrderSchema.parse(r.order), created: r.created };
        },
        () => this.confirmed.add(cid),
      );
    } catch (e) {
      if (e instanceof TransportError && e.outcome === 'final') this.count('final_refusal');
      throw e;
    }
  }

  async getOrderByClientId(cid: string): Promise<Order> {
    this.count('lookup');
    try {
      return await this.call(
        'lookup',
        null,
        (core) => OrderSchema.parse(core.getOrderByClientId(this.account_id, cid)),
        () => {
          this.unresolved.delete(cid);
          this.confirmed.add(cid);
        },
      );
    } catch (e) {
      if (e instanceof TransportError && e.outcome === 'not_found') this.unresolved.delete(cid);
      throw e;
    }
  }

  async cancelOrder(order_id: string): Promise<Order> {
    this.count('cancel');
    return this.call('cancel', null, (core) => OrderSchema.parse(core.cancelOrder(this.account_id, order_id)), () => {});
  }
}

/** Progress of an order; pending states may cycle among themselves (queued ↔ sending ↔ unknown). */
const STATE_RANK: Record<string, number> = {
  queued: 0,
  sending: 0,
  unknown: 0,
  open: 1,
  partially_filled: 2,
  filled: 3,
  canceled: 3,
  expired: 3,
  rejected: 3,
};

interface PlatformOrderRow {
  id: string;
  client_order_id: string;
  status: string;
  filled_lots: number;
  qty_lots: number;
  created_ms: number;
}

export async function runOrdersSim(opts: SimOptions): Promise<SimReport> {
  const seed = opts.seed;
  const r = rng(seed * 7919 + 17);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number) => r() < p;
  const steps = opts.steps ?? SUITE_STEPS;
  if (!(Number.isSafeInteger(steps) && steps >= 0 && steps <= STEPS_MAX)) throw new RangeError(`steps must be 0..${STEPS_MAX}`);
  const intensity = 0.5 + r(); // faults differ in strength from seed to seed
  const rates: FaultRates = {
    drop_request: 0.05 * intensity,
    drop_response: 0.06 * intensity,
    timeout: 0.03 * intensity,
    rate_limited: 0.06 * intensity,
    server_error: 0.05 * intensity,
    crash_before_send: 0.015 * intensity,
    crash_after_send: 0.015 * intensity,
    delayed: 0.03 * intensity,
  };
  const sync_rates: SyncFaultRates = {
    rest_error: 0.05 * intensity,
    rest_timeout: 0.03 * intensity,
    stream_connect_fail: 0.1 * intensity,
    stream_drop: 0.05 * intensity,
    stream_dup: 0.1 * intensity,
    stream_stale: 0.05 * intensity,
    stream_reorder: 0.1 * intensity,
    stream_error: 0.02 * intensity,
    stream_close: 0.01 * intensity,
  };
  const base = opts.dir ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
  const dir = fs.mkdtempSync(path.join(base, `orders-sim-${seed}-`));
  const platform_path = path.join(dir, 'platform.db');
  const wallet_path = path.join(dir, 'wallet.db');

  let now = T0;
  const clock: Clock = {
    now_ms: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
  };
  const openCore = () => new PlatformCore({ db_path: platform_path, now_ms: () => now, config: { paranoid: false } });
  const holder: PlatformHolder = { core: openCore() };
  const vclock = new VirtualClock(
    () => now,
    (ms) => (now = ms),
  );
  // The platform's own ticker, as the server runs it (not part of the wallet: survives its crashes).
  const platform_timers = vclock.group();
  const platformTick = () => {
    holder.core?.tick();
    platform_timers.setTimeout(platformTick, PLATFORM_TICK_MS);
  };
  platform_timers.setTimeout(platformTick, PLATFORM_TICK_MS);
  const core0 = holder.core!;
  // Accounts whose first period already ended: the first tick mints their unused credits into tokens.
  const user = core0.createAccount({ start_ms: now - core0.config.period_ms }).account_id;
  const mm = core0.createAccount({ start_ms: now - core0.config.period_ms, kind: 'sim' }).account_id;
  core0.tick();
  core0.deposit(user, USER_DEPOSIT_USD);
  core0.deposit(mm, MM_DEPOSIT_USD);

  const transport = new SimTransport(holder, user, r, rates, () => now);
  const svc_random = rng(seed * 31 + 5);
  const max_in_flight = chance(0.5) ? 1 : int(2, 4); // strict order, or overlapping requests
  let ledger: Ledger = openLedger({ path: wallet_path });
  let online = true;
  const openService = (): OrderService => {
    const s = createOrderService({ ledger, transport, clock, random: svc_random, online, max_in_flight, rate_limit: { capacity: 20, refill_per_s: 40 } });
    s.subscribe((c) => {
      if (c.kind === 'status') transport.onEngineStatus();
    });
    // The view pipe, as in the app: each committed ledger batch converges the orders at once.
    ledger.onApplied((b) => {
      try {
        s.onLedgerApplied(b);
      } catch (err) {
        listener_errors.push(String((err as Error)?.stack ?? err));
      }
    });
    return s;
  };
  let svc = openService();

  // The real sync engine, one per wallet process (a crash kills its timers and its network).
  const net = new SimSyncNet({
    account_id: user,
    core: () => holder.core,
    random: rng(seed * 131 + 7),
    rates: sync_rates,
    heartbeat_ms: SYNC_HEARTBEAT_MS,
    rest_timeout_ms: SYNC_REST_TIMEOUT_MS,
  });
  const sync_random = rng(seed * 17 + 3);
  const page_limit = int(3, 300); // small pages exercise paging
  let sync_timers: TimerGroup = vclock.group();
  let refreshed_seq = -1;
  const listener_errors: string[] = [];
  let draining = false;
  /** Folds what the ledger applied into the orders (the app does it on every sync status). */
  const refreshOrders = () => {
    if (ledger.cursorSeq() === refreshed_seq) return;
    if (draining && opts.concurrent_refresh === false) return; // drain() refreshes when it returns
    try {
      svc.refresh();
      refreshed_seq = ledger.cursorSeq();
    } catch (err) {
      // The engine swallows a listener's throw (it only logs it): keep it to fail the seed.
      listener_errors.push(String((err as Error)?.stack ?? err));
    }
  };
  const openSync = (): SyncEngine => {
    const timers = sync_timers;
    const { client, stream_factory } = net.incarnation(timers);
    const e = createSyncEngine({
      ledger,
      client,
      stream_factory,
      timers,
      random: sync_random,
      page_limit,
      heartbeat_timeout_ms: SYNC_HEARTBEAT_TIMEOUT_MS,
      backoff_initial_ms: SYNC_BACKOFF_INITIAL_MS,
      backoff_max_ms: SYNC_BACKOFF_MAX_MS,
      candle_intervals: ['1m'],
    });
    // Like the app (wallet-app.ts): the ledger moved, fold order and fill events into the orders.
    e.onStatus(() => {
      if (timers.alive) refreshOrders(); // a dead process hears nothing
    });
    e.start();
    return e;
  };
  let engine = openSync();

  const placed = new Map<string, { deadline_ms: number; tif: string }>();
  const canceled_by_user = new Set<string>();
  /** Orders placed on the user's account from "another device" (client_order_id → its platform id). */
  const placed_elsewhere = new Map<string, string>();
  /** Platform ids of orders placed elsewhere that the user asked this wallet to cancel. */
  const external_cancel_asked = new Set<string>();
  let elsewhere_n = 0;
  const last_seen = new Map<string, { rank: number; state: string; filled: string; order_id: string | null }>();
  let refused = 0;
  let crashes = 0;
  let restarts = 0;
  let platform_down_until = 0;
  let mm_n = 0;
  let step_no = 0;
  let phase = 'faults';

  const fail = (msg: string): never => {
    throw new SimFailure(`seed ${seed} step ${step_no} (${phase}): ${msg}\n  replay: ${REPLAY(seed, steps)}`);
  };

  const crashAndReopen = async () => {
    crashes++;
    svc.abandon();
    sync_timers.kill(); // the engine's timers never fire, its REST calls and stream hang
    await flushMicrotasks(); // what was already running reaches a wait that never ends
    net.reapDead();
    ledger.close();
    transport.crash = crashSignal();
    transport.forgetUnheard(); // answers in flight died with the process
    ledger = openLedger({ path: wallet_path });
    svc = openService();
    sync_timers = vclock.group();
    refreshed_seq = -1;
    engine = openSync();
  };

  /** Runs a drain; a crash fault inside it abandons the process state and reopens. */
  const drained: { last: DrainResult | null } = { last: null };
  const drain = async () => {
    const crash = transport.crash;
    draining = true;
    const outcome = await Promise.race([svc.drain(20), crash.promise]).finally(() => (draining = false));
    if (outcome === 'crash') {
      drained.last = null;
      await crashAndReopen();
    } else drained.last = outcome;
    refreshOrders(); // what the sync engine applied meanwhile
  };

  let platform_orders_stmt: { core: PlatformCore; st: ReturnType<PlatformCore['db']['prepare']> } | null = null;
  const platformOrders = (): PlatformOrderRow[] => {
    const core = holder.core;
    if (!core) return [];
    if (platform_orders_stmt?.core !== core) {
      platform_orders_stmt = {
        core,
        st: core.db.prepare(`SELECT id, client_order_id, status, filled_lots, qty_lots, created_ms FROM orders WHERE account_id = ?`),
      };
    }
    return platform_orders_stmt.st.all(user) as PlatformOrderRow[];
  };

  const checkStep = () => {
    // No queued order lost: every order ever accepted by place() is in the outbox.
    const local = new Map(svc.list({ limit: 1000 }).map((o) => [o.client_order_id, o]));
    if (placed.size > 1000) fail('test bound: more than 1000 orders');
    for (const cid of placed.keys()) if (!local.has(cid)) fail(`order ${cid} lost from the outbox`);
    if (local.size !== placed.size) fail(`outbox has ${local.size} orders, ${placed.size} were placed`);
    // States never go backwards once the platform has the order (rank, then filled quantity).
    for (const o of local.values()) {
      const rank = STATE_RANK[o.state]!;
      const prev = last_seen.get(o.client_order_id);
      // A local ending (never seen on the platform) yields to a straggler that arrived after all.
      const local_only = prev !== undefined && prev.order_id === null;
      if (prev && !local_only && (rank < prev.rank || dec(o.filled_quantity).lt(dec(prev.filled)))) {
        fail(`order ${o.client_order_id} went back from ${prev.state}/${prev.filled} to ${o.state}/${o.filled_quantity}`);
      }
      last_seen.set(o.client_order_id, { rank, state: o.state, filled: o.filled_quantity, order_id: o.order_id });
    }
    try {
      svc.checkInvariants();
    } catch (e) {
      fail((e as Error).message); // with the seed and its replay line
    }
    if (listener_errors.length > 0) fail(`the sync status listener threw: ${listener_errors[0]}`);
    // The sync engine never skips or quarantines an event (every fault is recoverable), and
    // the balances it reconciled never differed from the platform's at the same seq.
    if (ledger.quarantineCount() > 0) fail(`the sync engine quarantined or skipped ${ledger.quarantineCount()} event(s): ${JSON.stringify(ledger.quarantined(1))}`);
    if (ledger.openMismatchCount() > 0) fail(`reconciliation mismatch: ${JSON.stringify(ledger.mismatches(true)[0])}`);
    if (transport.violations.length > 0) fail(transport.violations[0]!);
    if (transport.duplicates_absorbed > 0) fail(`the platform absorbed ${transport.duplicates_absorbed} duplicate create(s): the first guard leaked`);
    if (!holder.core) return;
    // The platform's own conservation and reservation invariants (every 4th step: they scan everything).
    if (step_no % 4 === 0 || phase === 'calm') holder.core.checkInvariants();
    const seen = new Set<string>();
    for (const p of platformOrders()) {
      // At most one platform order per client_order_id, and none we did not place.
      if (seen.has(p.client_order_id)) fail(`two platform orders for ${p.client_order_id}`);
      seen.add(p.client_order_id);
      if (placed_elsewhere.has(p.client_order_id)) continue;
      const mine = placed.get(p.client_order_id);
      if (!mine) fail(`platform order ${p.id} has an unknown client_order_id ${p.client_order_id}`);
      // Never executed after its expiry: the platform took it no later than its deadline.
      if (p.created_ms > mine!.deadline_ms) fail(`order ${p.client_order_id} reached the platform at ${p.created_ms}, after its expiry ${mine!.deadline_ms}`);
      const o = local.get(p.client_order_id)!;
      // The local row never runs ahead of the platform.
      if (o.order_id !== null && o.order_id !== p.id) fail(`order ${p.client_order_id}: local id ${o.order_id}, platform ${p.id}`);
      if (dec(o.filled_quantity).gt(dec(toCanonical(dec(String(p.filled_lots)).div(100))))) fail(`order ${p.client_order_id}: local filled ahead of the platform`);
    }
    for (const o of local.values()) {
      if (o.order_id !== null && !seen.has(o.client_order_id)) fail(`order ${o.client_order_id} claims platform id ${o.order_id} the platform does not have`);
    }
  };

  const placeRandom = () => {
    const side = chance(0.5) ? 'buy' : 'sell';
    const market = chance(0.2);
    const px = toCanonical(dec(String(int(150, 300))).div(10_000)); // 0.015 .. 0.03
    const input: Record<string, unknown> = {
      side,
      type: market ? 'market' : 'limit',
      quantity: toCanonical(dec(String(int(1, chance(0.1) ? 5_000_000 : 3000))).div(100)),
    };
    if (market) {
      if (!chance(0.1)) input.protection_price = side === 'buy' ? '0.035' : '0.01';
    } else {
      input.price = px;
      if (chance(0.1)) input.post_only = true; // may cross: the platform rejects it (status rejected)
      if (chance(0.25)) input.time_in_force = 'GTD'; // leaves the book at its expiry
    }
    if (chance(0.3)) input.expires_at = new Date(now + int(5, 90) * 1000).toISOString();
    try {
      const v = svc.place(input);
      placed.set(v.client_order_id, { deadline_ms: Date.parse(v.expires_at), tif: v.time_in_force });
      if (v.state !== 'queued' && v.state !== 'sending') fail(`a new order is ${v.state}`);
    } catch (e) {
      if (!(e instanceof OrderEntryError)) throw e;
      if (market && input.protection_price === undefined && e.code !== 'invalid_input') fail(`market order without protection price: ${e.code}`);
      if (e.code === 'insufficient_funds' || e.code === 'insufficient_tokens') {
        // Refused only when it really does not fit what is available.
        const a = svc.available();
        const need = side === 'buy' ? dec(input.quantity as string).mul(dec((input.price ?? input.protection_price) as string)) : dec(input.quantity as string);
        const have = dec(side === 'buy' ? a.usd.available : a.token.available);
        // Buys hold the taker fee (20 bps) too.
        if ((side === 'buy' ? need.mul('1.002') : need).lte(have)) fail(`refused ${side} needing ${toCanonical(need)} with ${toCanonical(have)} available`);
      }
      refused++;
    }
  };

  const cancelRandom = () => {
    const live = svc.list({ states: ['queued', 'sending', 'unknown', 'open', 'partially_filled'], limit: 100 });
    if (live.length === 0) return;
    try {
      const v = svc.cancel(pick(live).client_order_id);
      canceled_by_user.add(v.client_order_id);
    } catch (e) {
      if (!(e instanceof OrderEntryError) || e.code !== 'not_cancelable') throw e;
    }
  };

  const marketMaker = () => {
    const core = holder.core;
    if (!core) return;
    const side = chance(0.5) ? 'buy' : 'sell';
    const price = toCanonical(dec(String(int(150, 300))).div(10_000));
    try {
      core.placeOrder(mm, {
        client_order_id: `mm-${mm_n++}`,
        side,
        type: 'limit',
        price,
        quantity: toCanonical(dec(String(int(1, 2000))).div(100)),
        time_in_force: chance(0.5) ? 'IOC' : 'GTC',
      });
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
    }
  };

  /** An order placed on the user's account from another device (the wallet learns of it from the feed). */
  const placeElsewhere = () => {
    const core = holder.core;
    if (!core) return;
    const client_order_id = `web-${elsewhere_n++}`;
    try {
      const r = core.placeOrder(user, {
        client_order_id,
        side: chance(0.5) ? 'buy' : 'sell',
        type: 'limit',
        price: toCanonical(dec(String(int(150, 300))).div(10_000)),
        quantity: toCanonical(dec(String(int(1, 500))).div(100)),
        time_in_force: 'GTC',
      });
      placed_elsewhere.set(client_order_id, r.order.order_id);
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
    }
  };

  /** The user cancels, from this wallet, an order placed elsewhere (online or not). */
  const cancelElsewhereRandom = () => {
    const live = svc.external(100);
    if (live.length === 0) return;
    const o = pick(live);
    const v = svc.cancelExternal({ order_id: o.order_id });
    if (v.cancel === null) fail(`cancel of ${o.order_id} was not recorded`);
    external_cancel_asked.add(o.order_id);
  };

  /** Money leaves from another device: the local ledger lags, the platform may refuse orders (final). */
  const externalWithdrawal = () => {
    const core = holder.core;
    if (!core) return;
    try {
      core.withdraw(user, String(int(1, 60)));
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
    }
  };

  const restartPlatform = () => {
    if (!holder.core) return;
    restarts++;
    net.platformDown();
    holder.core.close();
    holder.core = null;
    platform_down_until = now + int(500, 20_000);
  };

  const maybeBringUp = () => {
    if (holder.core === null && now >= platform_down_until) {
      holder.core = openCore();
      holder.core.checkInvariants();
    }
  };

  // ---------------------------------------------------------------- faulty phase
  for (step_no = 1; step_no <= steps; step_no++) {
    const k = r();
    if (k < 0.3) placeRandom();
    else if (k < 0.38) cancelRandom();
    else if (k < 0.46) {
      online = !online;
      svc.setOnline(online);
    } else if (k < 0.62) await drain();
    else if (k < 0.74) net.streamFault();
    else if (k < 0.84) marketMaker();
    else if (k < 0.87) await crashAndReopen(); // between writing and sending (or any time)
    else if (k < 0.89) restartPlatform();
    else if (k < 0.92) externalWithdrawal();
    else if (k < 0.95) placeElsewhere();
    else if (k < 0.97) cancelElsewhereRandom();
    else holder.core?.tick();
    await vclock.advance(int(0, 3000)); // the sync engine's timers fire on the way
    maybeBringUp();
    transport.deliverStragglers(now);
    if (online && chance(0.5)) await drain();
    checkStep();
  }

  // ---------------------------------------------------------------- calm phase: faults stop
  phase = 'calm';
  transport.faults_on = false;
  net.faults_on = false;
  online = true;
  svc.setOnline(true);
  let quiet = false;
  let calm_rounds = 0;
  for (let round = 0; round < CALM_ROUNDS_MAX && !quiet; round++) {
    calm_rounds++;
    maybeBringUp();
    transport.deliverStragglers(now);
    await drain();
    await vclock.advance(0); // the engine takes in what the drain produced
    const core = holder.core;
    const pending = svc.queue().length + svc.pendingExternalCancels();
    const sync = engine.status();
    quiet =
      core !== null &&
      pending === 0 &&
      sync.state === 'online' &&
      ledger.cursorSeq() === core.lastSeq(user) &&
      refreshed_seq === ledger.cursorSeq() &&
      !transport.hasStragglers();
    if (!quiet) {
      // Jump to the next thing that can happen (a retry, a straggler, the platform back), at most 2 s;
      // the sync engine's timers (reconnect, heartbeats) fire on the way.
      const next = Math.min(drained.last?.next_due_ms ?? Infinity, transport.nextStragglerMs(), holder.core ? Infinity : platform_down_until);
      await vclock.advanceTo(Math.max(now + 1, Math.min(now + 2000, Number.isFinite(next) ? next : now + 500)));
    }
    checkStep();
  }
  if (!quiet) {
    fail(
      `liveness: not quiescent after ${CALM_ROUNDS_MAX} calm rounds: queue ${JSON.stringify(svc.queue().map((o) => [o.state, o.last_error ?? null]))}, ` +
        `sync ${JSON.stringify(engine.status())}, platform seq ${holder.core?.lastSeq(user) ?? 'down'}`,
    );
  }
  checkFinal();

  function checkFinal() {
    const core = holder.core!;
    const plat = new Map(platformOrders().map((p) => [p.client_order_id, p]));
    for (const o of svc.list({ limit: 1000 })) {
      const p = plat.get(o.client_order_id);
      if (p) {
        if (o.state !== p.status) fail(`order ${o.client_order_id}: local ${o.state}, platform ${p.status}`);
        if (o.order_id !== p.id) fail(`order ${o.client_order_id}: local id ${o.order_id}, platform ${p.id}`);
        const pf = toCanonical(dec(String(p.filled_lots)).div(100));
        if (o.filled_quantity !== pf) fail(`order ${o.client_order_id}: filled local ${o.filled_quantity}, platform ${pf}`);
      } else if (!['rejected', 'canceled', 'expired'].includes(o.state)) {
        fail(`order ${o.client_order_id} is ${o.state} locally but the platform never got it`);
      }
      // A cancel is never dropped: an order the user canceled does not stay live.
      if (canceled_by_user.has(o.client_order_id) && (o.state === 'open' || o.state === 'partially_filled')) {
        fail(`order ${o.client_order_id} was canceled by the user but is still ${o.state}`);
      }
    }
    // A cancel asked for an order placed elsewhere is never dropped either: each such order
    // has ended on the platform (canceled by it, or filled/expired before it arrived), the
    // feed says so, and no request is left behind.
    // (Read from the platform's table: core.getOrder would run its expiry sweep and so change
    // the platform under the checks that follow.)
    const plat_by_id = new Map(platformOrders().map((p) => [p.id, p]));
    for (const order_id of external_cancel_asked) {
      const p = plat_by_id.get(order_id);
      if (!p) fail(`order ${order_id} placed elsewhere is unknown to the platform`);
      if (p!.status === 'open' || p!.status === 'partially_filled') fail(`order ${order_id} placed elsewhere: cancel asked for, still ${p!.status} on the platform`);
      if (svc.external().some((o) => o.order_id === order_id)) fail(`order ${order_id} placed elsewhere: ended on the platform, still listed live`);
    }
    if (svc.pendingExternalCancels() > 0) fail(`${svc.pendingExternalCancels()} cancel(s) of orders placed elsewhere still waiting at quiescence`);
    // Nothing executed after its expiry: every fill of an order that does not rest past it
    // (GTD, IOC, FOK, market) is no later than the expiry; GTC ones arrived in time (checked per step).
    for (let after = 0; ; ) {
      const page = core.getEvents(user, after, 5000);
      for (const e of page.events) {
        if (e.type !== 'fill') continue;
        const mine = placed.get(e.client_order_id);
        if (mine && mine.tif !== 'GTC' && Date.parse(e.time) > mine.deadline_ms) fail(`order ${e.client_order_id} (${mine.tif}) filled at ${e.time}, after its expiry`);
      }
      if (page.events.length === 0) break;
      after = page.events[page.events.length - 1]!.seq;
    }
    const pb = core.getBalances(user);
    const lb = ledger.walletBalances();
    if (lb.usd !== pb.usd.total || lb.token !== pb.token.total) fail(`ledger ${lb.usd} USD / ${lb.token} tok, platform ${pb.usd.total} / ${pb.token.total}`);
    const a = svc.available();
    if (a.usd.available !== pb.usd.available) fail(`available USD local ${a.usd.available}, platform ${pb.usd.available}`);
    if (a.token.available !== pb.token.available) fail(`available tokens local ${a.token.available}, platform ${pb.token.available}`);
    const rec = ledger.reconcile(pb);
    if (!rec.compared || rec.open_mismatches.length > 0) fail(`ledger reconcile: ${JSON.stringify(rec.open_mismatches[0] ?? 'not compared')}`);
  }

  const views: OrderView[] = svc.list({ limit: 1000 });
  const report: SimReport = {
    seed,
    placed: placed.size,
    refused,
    on_platform: views.filter((v) => v.order_id !== null).length,
    filled_or_partial: views.filter((v) => dec(v.filled_quantity).gt(0)).length,
    crashes,
    platform_restarts: restarts,
    faults: { ...transport.counts, ...net.counts },
    states: views.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.state]: (acc[v.state] ?? 0) + 1 }), {}),
    final_virtual_ms: now - T0,
    calm_rounds,
    placed_elsewhere: placed_elsewhere.size,
    external_cancels_asked: external_cancel_asked.size,
    external_canceled: (() => {
      const plat = new Map(platformOrders().map((p) => [p.id, p.status]));
      return [...external_cancel_asked].filter((id) => plat.get(id) === 'canceled').length;
    })(),
  };
  await svc.close();
  const stopping = engine.stop();
  await vclock.advance(0);
  await stopping;
  sync_timers.kill();
  platform_timers.kill();
  ledger.close();
  holder.core?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return report;
}
