// The sync engine on injected clock/timers: every time-dependent path (backoff with injected
// jitter, heartbeat timeout, reconnect, whenSynced's deadline, last_synced_at) runs on the
// virtual clock, so the exact virtual times are asserted (no wall-clock slack).
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../electron/services/ledger/index.js';
import { createSyncEngine, type SyncClient, type SyncStatus, type SyncStream } from '../../electron/services/sync/index.js';
import type { Balances } from '../../shared/platform/events.js';
import { VirtualClock } from '../orders/virtual-timers.js';
import { tempDir } from './helpers.js';

const T0 = Date.UTC(2026, 0, 1);

const zeroBalances = (): Balances => ({
  usd: { total: '0', available: '0', reserved: '0' },
  token: { total: '0', available: '0', reserved: '0' },
  credits: { period_id: null, available: '0' },
  as_of_seq: 0,
});

const emptyClient = (): SyncClient => ({
  getEvents: async () => ({ events: [], last_seq: 0 }),
  getBalances: async () => zeroBalances(),
  getCandles: async () => ({ candles: [] }),
  getTrades: async () => ({ trades: [] }),
});

/** A stream that connects, then says nothing unless told to. */
function silentStream(connects: number[], clock: VirtualClock): { factory: () => SyncStream; last: () => EventEmitter | null } {
  let last: EventEmitter | null = null;
  return {
    factory: () => {
      const em = new EventEmitter();
      last = em;
      return {
        on: (name: string, l: (...a: never[]) => void) => em.on(name, l as (...a: unknown[]) => void),
        connect: async () => {
          connects.push(clock.now_ms() - T0);
          return { last_seq: 0 };
        },
        close: async () => {},
      } as unknown as SyncStream;
    },
    last: () => last,
  };
}

describe('sync engine on a virtual clock', () => {
  const ledgers: Ledger[] = [];
  afterEach(() => {
    for (const l of ledgers.splice(0)) l.close();
  });
  const newLedger = () => {
    const l = openLedger({ path: path.join(tempDir(), 'ledger.db') });
    ledgers.push(l);
    return l;
  };

  it('backs off at exactly initial × 2^n × (1/2 + jitter/2), capped, with the injected jitter', async () => {
    let now = T0;
    const clock = new VirtualClock(() => now, (ms) => (now = ms));
    const calls: number[] = [];
    const fail = async (): Promise<never> => {
      calls.push(now - T0);
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'network_error' });
    };
    const engine = createSyncEngine({
      ledger: newLedger(),
      client: { getEvents: fail, getBalances: fail, getCandles: fail, getTrades: fail },
      stream_factory: () => ({}) as SyncStream,
      backoff_initial_ms: 100,
      backoff_max_ms: 400,
      random: () => 0.5, // delay = base × 3/4
      timers: clock.group(),
    });
    engine.start();
    await clock.advance(10_000);
    // 75, 150, 300, 300, ... ms apart (base 100, 200, 400, 400 capped).
    expect(calls.slice(0, 6)).toEqual([0, 75, 225, 525, 825, 1125]);
    expect(engine.status().state).toBe('offline');
    expect(engine.status().last_error).toMatch(/network_error/);
    const stopping = engine.stop();
    await clock.advance(0);
    await stopping;
    expect(clock.count()).toBe(0); // nothing left scheduled
  });

  it('drops a silent stream after heartbeat_timeout_ms of virtual time and reconnects after the backoff', async () => {
    let now = T0;
    const clock = new VirtualClock(() => now, (ms) => (now = ms));
    const connects: number[] = [];
    const s = silentStream(connects, clock);
    const statuses: SyncStatus[] = [];
    const engine = createSyncEngine({
      ledger: newLedger(),
      client: emptyClient(),
      stream_factory: s.factory,
      heartbeat_timeout_ms: 4000,
      backoff_initial_ms: 1000,
      backoff_max_ms: 1000,
      market_data: false,
      random: () => 1, // delay = base
      timers: clock.group(),
    });
    engine.onStatus((st) => statuses.push(st));
    engine.start();
    await clock.advance(0);
    expect(connects).toEqual([0]);
    expect(engine.status().state).toBe('online');
    expect(engine.status().last_synced_at).toBe(new Date(T0).toISOString());
    // Heartbeats keep it alive past the timeout.
    for (let t = 1000; t <= 8000; t += 1000) {
      await clock.advanceTo(T0 + t);
      s.last()!.emit('heartbeat', { last_seq: 0 });
    }
    expect(engine.status().state).toBe('online');
    expect(connects).toEqual([0]);
    // Silence: it is declared dead once more than 4000 ms pass (checked every 1000 ms).
    await clock.advanceTo(T0 + 8000 + 4000);
    expect(engine.status().state).toBe('online');
    await clock.advanceTo(T0 + 8000 + 5000);
    expect(engine.status().state).toBe('offline');
    expect(engine.status().last_error).toMatch(/no heartbeat for 5000 ms/);
    // Reconnects exactly 1000 ms (the backoff) later.
    await clock.advanceTo(T0 + 8000 + 5999);
    expect(connects).toEqual([0]);
    await clock.advanceTo(T0 + 8000 + 6000);
    expect(connects).toEqual([0, 14_000]);
    expect(engine.status().state).toBe('online');
    expect(statuses.some((st) => st.state === 'syncing')).toBe(true);
    const stopping = engine.stop();
    await clock.advance(0);
    await stopping;
  });

  it('a heartbeat right behind a streamed event is not a gap: no refetch, no "syncing"', async () => {
    let now = T0;
    const clock = new VirtualClock(() => now, (ms) => (now = ms));
    const connects: number[] = [];
    const s = silentStream(connects, clock);
    let event_fetches = 0;
    const ledger = newLedger();
    const engine = createSyncEngine({
      ledger,
      client: { ...emptyClient(), getEvents: async () => (event_fetches++, { events: [], last_seq: 0 }) },
      stream_factory: s.factory,
      heartbeat_timeout_ms: 60_000,
      market_data: false,
      timers: clock.group(),
    });
    engine.start();
    await clock.advance(0);
    expect(engine.status().state).toBe('online');
    const fetches_online = event_fetches;
    const states: string[] = [];
    engine.onStatus((st) => states.push(st.state));
    // The platform sends the event, then its heartbeat, before the engine's loop runs again.
    s.last()!.emit('event', { id: 'e1', seq: 1, account_id: 'a', time: new Date(T0).toISOString(), type: 'deposit', amount_usd: '5' });
    s.last()!.emit('heartbeat', { last_seq: 1 });
    await clock.advance(0);
    expect(ledger.cursorSeq()).toBe(1);
    expect(event_fetches).toBe(fetches_online);
    expect(states).not.toContain('syncing');
    // A heartbeat ahead of everything received still asks REST for the rest.
    s.last()!.emit('heartbeat', { last_seq: 2 });
    await clock.advance(0);
    expect(event_fetches).toBe(fetches_online + 1);
    const stopping = engine.stop();
    await clock.advance(0);
    await stopping;
  });

  it('a stream close wakes the engine at once (no wait for the pacing timer)', async () => {
    let now = T0;
    const clock = new VirtualClock(() => now, (ms) => (now = ms));
    const connects: number[] = [];
    const s = silentStream(connects, clock);
    const engine = createSyncEngine({
      ledger: newLedger(),
      client: emptyClient(),
      stream_factory: s.factory,
      heartbeat_timeout_ms: 60_000,
      backoff_initial_ms: 200,
      backoff_max_ms: 200,
      market_data: false,
      random: () => 0, // delay = base / 2
      timers: clock.group(),
    });
    engine.start();
    await clock.advance(0);
    await clock.advanceTo(T0 + 500);
    s.last()!.emit('close', { code: 1006, reason: 'sim' });
    await clock.advance(0);
    expect(engine.status().state).toBe('offline');
    expect(engine.status().last_error).toMatch(/stream closed/);
    await clock.advanceTo(T0 + 599);
    expect(connects).toEqual([0]);
    await clock.advanceTo(T0 + 600);
    expect(connects).toEqual([0, 600]);
    const stopping = engine.stop();
    await clock.advance(0);
    await stopping;
  });

  it('whenSynced times out on the virtual clock', async () => {
    let now = T0;
    const clock = new VirtualClock(() => now, (ms) => (now = ms));
    const never = (): Promise<never> => new Promise(() => {});
    const engine = createSyncEngine({
      ledger: newLedger(),
      client: { getEvents: never, getBalances: never, getCandles: never, getTrades: never },
      stream_factory: () => ({}) as SyncStream,
      timers: clock.group(),
    });
    engine.start();
    const synced = engine.whenSynced(3000);
    const outcome = synced.then(
      () => 'synced',
      (e: Error) => e.message,
    );
    await clock.advanceTo(T0 + 2999);
    await clock.advanceTo(T0 + 3000);
    expect(await outcome).toMatch(/not synced within 3000 ms/);
  });
});
