// The network between the REAL sync engine and the REAL platform core in the orders
// simulation (issue #5): an in-process SyncClient (REST) and SyncStream (WebSocket) over the
// core, with seeded faults, on the simulation's virtual clock.
//   REST:   errors (5xx, connection refused while the platform is down) and timeouts that
//           take `rest_timeout_ms` of virtual time before failing;
//   stream: connect refused, live events dropped (a gap), duplicated, stale (an old event
//           again) and reordered (held back past the next one), stream errors, the
//           connection closed, or silenced (half open: no events, no heartbeats, no close),
//           and every stream closed when the platform goes down.
// One incarnation per wallet process: after a crash, kill() its timers (TimerGroup) and the
// old engine's client and stream calls hang forever and its stream delivers nothing, as if
// the process were gone.
import { EventEmitter } from 'node:events';
import type { PlatformCore } from '../../platform/core/core.js';
import { PlatformError as CoreError } from '../../platform/core/errors.js';
import type { SyncClient, SyncStream } from '../../electron/services/sync/index.js';
import type { TimerGroup } from './virtual-timers.js';

export interface SyncFaultRates {
  rest_error: number;
  rest_timeout: number;
  stream_connect_fail: number;
  stream_drop: number;
  stream_dup: number;
  stream_stale: number;
  stream_reorder: number;
  /** Per heartbeat tick. */
  stream_error: number;
  /** Per heartbeat tick. */
  stream_close: number;
}

export interface SimSyncNetOptions {
  account_id: string;
  /** The platform: a core when up, null while it restarts. */
  core: () => PlatformCore | null;
  random: () => number;
  rates: SyncFaultRates;
  /** Interval of the stream's heartbeats (virtual ms). */
  heartbeat_ms: number;
  /** How long a REST call that times out takes to fail (virtual ms). */
  rest_timeout_ms: number;
}

class NetError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const hang = <T>(): Promise<T> => new Promise<T>(() => {});

class SimStream {
  readonly em = new EventEmitter();
  private off: (() => void) | null = null;
  private hb: unknown = null;
  private held: unknown = null;
  open = false;
  silenced = false;

  constructor(
    private readonly net: SimSyncNet,
    readonly timers: TimerGroup,
  ) {}

  asSyncStream(): SyncStream {
    return {
      on: (name: string, l: (...a: never[]) => void) => this.em.on(name, l as (...a: unknown[]) => void),
      connect: () => this.connect(),
      close: async () => this.shut(),
    } as unknown as SyncStream;
  }

  private async connect(): Promise<{ last_seq: number | null }> {
    await Promise.resolve();
    if (!this.timers.alive) return hang();
    const net = this.net;
    const core = net.o.core();
    if (core === null) {
      net.count('sync_platform_down');
      throw new NetError('network_error', 'connect ECONNREFUSED (platform restarting)');
    }
    if (net.roll(net.o.rates.stream_connect_fail)) {
      net.count('stream_connect_failed');
      throw new NetError('network_error', 'WebSocket handshake failed');
    }
    net.count('stream_connected');
    this.open = true;
    net.streams.add(this);
    this.off = core.onMessage((m) => {
      if (m.kind === 'event' && m.account_id === net.o.account_id) this.deliver(core, JSON.parse(m.json) as unknown);
    });
    this.scheduleHeartbeat(core);
    return { last_seq: core.lastSeq(net.o.account_id) };
  }

  private emitEvent(e: unknown): void {
    if (this.open && this.timers.alive && !this.silenced) this.em.emit('event', e);
  }

  private deliver(core: PlatformCore, e: unknown): void {
    const net = this.net;
    if (!this.open || !this.timers.alive || this.silenced) return;
    const r = net.o.rates;
    if (net.roll(r.stream_drop)) {
      net.count('stream_event_dropped'); // a gap: the next event (or heartbeat) brings it via REST
      return;
    }
    if (this.held === null && net.roll(r.stream_reorder)) {
      net.count('stream_event_reordered');
      this.held = e; // delivered after the next event (or at the next heartbeat)
      return;
    }
    this.emitEvent(e);
    if (net.roll(r.stream_dup)) {
      net.count('stream_event_duplicated');
      this.emitEvent(e);
    }
    const seq = (e as { seq: number }).seq;
    if (seq > 1 && net.roll(r.stream_stale)) {
      net.count('stream_event_stale');
      const old = core.getEvents(net.o.account_id, Math.floor(net.o.random() * (seq - 1)), 1).events[0];
      if (old !== undefined) this.emitEvent(old);
    }
    this.releaseHeld();
  }

  private releaseHeld(): void {
    const h = this.held;
    this.held = null;
    if (h !== null) this.emitEvent(h);
  }

  private scheduleHeartbeat(core: PlatformCore): void {
    this.hb = this.timers.setTimeout(() => {
      this.hb = null;
      if (!this.open) return;
      const net = this.net;
      if (net.roll(net.o.rates.stream_close)) {
        net.count('stream_closed');
        this.dropConnection();
        return;
      }
      if (!this.silenced) {
        this.releaseHeld();
        if (net.roll(net.o.rates.stream_error)) {
          net.count('stream_error');
          this.em.emit('error', new Error('unparseable message'));
        }
        this.em.emit('heartbeat', { last_seq: core.lastSeq(net.o.account_id) });
      }
      this.scheduleHeartbeat(core);
    }, this.net.o.heartbeat_ms);
  }

  /** The connection ends from the network's or the platform's side: the engine hears 'close'. */
  dropConnection(): void {
    if (!this.open) return;
    this.shut();
    if (this.timers.alive) this.em.emit('close', { code: 1006, reason: 'connection lost (sim)' });
  }

  /** Ends the connection without telling anyone (the engine closed it, or the process died). */
  shut(): void {
    this.open = false;
    this.held = null;
    this.off?.();
    this.off = null;
    if (this.hb !== null) this.timers.clearTimeout(this.hb);
    this.hb = null;
    this.net.streams.delete(this);
  }
}

export class SimSyncNet {
  faults_on = true;
  readonly counts: Record<string, number> = {};
  /** @internal Open streams (of any incarnation). */
  readonly streams = new Set<SimStream>();

  constructor(readonly o: SimSyncNetOptions) {}

  count(k: string): void {
    this.counts[k] = (this.counts[k] ?? 0) + 1;
  }

  roll(p: number): boolean {
    return this.faults_on && this.o.random() < p;
  }

  /** The client and stream factory of one wallet process, bound to its timers. */
  incarnation(timers: TimerGroup): { client: SyncClient; stream_factory: () => SyncStream } {
    const call = async <T>(what: string, fn: (core: PlatformCore) => T): Promise<T> => {
      await Promise.resolve();
      if (!timers.alive) return hang();
      const core = this.o.core();
      if (core === null) {
        this.count('sync_platform_down');
        throw new NetError('network_error', `${what}: connect ECONNREFUSED (platform restarting)`);
      }
      if (this.roll(this.o.rates.rest_error)) {
        this.count('rest_error');
        throw new NetError('server_error', `${what}: HTTP 503`);
      }
      if (this.roll(this.o.rates.rest_timeout)) {
        this.count('rest_timeout');
        await new Promise<void>((resolve) => timers.setTimeout(resolve, this.o.rest_timeout_ms));
        throw new NetError('timeout', `${what}: no answer within ${this.o.rest_timeout_ms} ms`);
      }
      try {
        return fn(core);
      } catch (e) {
        if (e instanceof CoreError) throw new NetError(e.code, e.message);
        throw e;
      }
    };
    const id = this.o.account_id;
    const client: SyncClient = {
      getEvents: (q) => call('GET /v1/events', (core) => core.getEvents(id, q.after, Math.min(q.limit ?? 1000, 5000))),
      getBalances: () => call('GET /v1/balances', (core) => core.getBalances(id)),
      getCandles: (q) => call('GET /v1/candles', (core) => ({ candles: core.candles(q.interval ?? '1m', q.before, q.limit ?? 500).candles })),
      getTrades: (q) => call('GET /v1/trades', (core) => ({ trades: core.trades(q.before, q.limit ?? 200) })),
    };
    return { client, stream_factory: () => new SimStream(this, timers).asSyncStream() };
  }

  /** The streams of dead processes (killed timer groups) stop listening to the core. */
  reapDead(): void {
    for (const s of [...this.streams]) if (!s.timers.alive) s.shut();
  }

  /** The platform is going down: every open stream closes. */
  platformDown(): void {
    for (const s of [...this.streams]) s.dropConnection();
  }

  /** A network fault on the live connection: closed, or silenced (half open). */
  streamFault(): void {
    for (const s of [...this.streams]) {
      if (this.o.random() < 0.5) {
        this.count('stream_closed');
        s.dropConnection();
      } else {
        this.count('stream_silenced');
        s.silenced = true;
      }
    }
  }
}
