// The sync engine's boundary: what it needs from the platform client and stream, its clock,
// its options, and what it offers the app (engine.ts implements it).
import type { Logger } from 'pino';
import type { PublicTrade } from '../../../shared/platform/api.js';
import type { Balances, Candle, CandleInterval } from '../../../shared/platform/events.js';
import type { Ledger, Mismatch } from '../ledger/index.js';

/** What the engine needs from the REST client (PlatformClient satisfies it). */
export interface SyncClient {
  getEvents(q: { after: number; limit?: number }): Promise<{ events: readonly unknown[]; last_seq: number }>;
  getBalances(): Promise<Balances>;
  getCandles(q: { interval?: CandleInterval; before?: number; limit?: number }): Promise<{ candles: Candle[] }>;
  getTrades(q: { before?: number; limit?: number }): Promise<{ trades: PublicTrade[] }>;
}

/** What the engine needs from the WebSocket stream (PlatformStream satisfies it). */
export interface SyncStream {
  on(name: 'event', listener: (e: unknown) => void): unknown;
  on(name: 'heartbeat', listener: (hb: { last_seq: number | null }) => void): unknown;
  on(name: 'close', listener: (info: { code: number; reason: string }) => void): unknown;
  on(name: 'error', listener: (err: Error) => void): unknown;
  connect(): Promise<{ last_seq: number | null }>;
  close(): Promise<void>;
}

export type SyncState = 'online' | 'offline' | 'syncing';

/**
 * The engine's only source of time. Every time-dependent path (backoff sleeps, the live
 * loop's pacing, the heartbeat timeout, whenSynced's deadline, last_synced_at) goes
 * through it, so a simulation can run the engine on a virtual clock. Milliseconds.
 */
export interface SyncTimers {
  /** Epoch milliseconds. */
  now_ms(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Wall clock and the host's timers (the app's default). */
export const systemTimers: SyncTimers = {
  now_ms: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SyncStatus {
  state: SyncState;
  /** When the ledger last caught up with everything the platform had. */
  last_synced_at: string | null;
  /** Platform's last known seq minus the ledger's cursor. */
  events_behind: number;
  last_error: string | null;
  cursor_seq: number;
  open_mismatches: number;
}

export interface SyncEngineOptions {
  ledger: Ledger;
  client: SyncClient;
  stream_factory: () => SyncStream;
  logger?: Logger;
  /** Events per REST page (≤ EVENTS_PAGE_LIMIT_MAX). */
  page_limit?: number;
  /** No event or heartbeat for this long: the connection is considered dead. */
  heartbeat_timeout_ms?: number;
  backoff_initial_ms?: number;
  backoff_max_ms?: number;
  /** Refetches of a gap before the missing seq is quarantined and skipped. */
  gap_refetch_max?: number;
  /** Single-event fetches of an invalid event before it is quarantined. */
  invalid_retry_max?: number;
  /** Events buffered from the stream before falling back to REST. */
  live_queue_max?: number;
  candle_intervals?: readonly CandleInterval[];
  market_data?: boolean;
  /** Jitter source for the backoff, uniform in [0, 1) (default Math.random). */
  random?: () => number;
  /** Clock and timers (default: systemTimers). */
  timers?: SyncTimers;
}

export interface SyncEngine {
  start(): void;
  /** Stops the loop, closes the stream; resolves when nothing is running. */
  stop(): Promise<void>;
  status(): SyncStatus;
  /** Called on every status change; returns an unsubscribe function. */
  onStatus(listener: (s: SyncStatus) => void): () => void;
  /** Open reconciliation mismatches (kept in the ledger, never overwritten). */
  mismatches(): Mismatch[];
  /** Resolves once the engine is online and caught up (tests, CLI). */
  whenSynced(timeout_ms: number): Promise<SyncStatus>;
  /** Offline: end the backoff wait now (the user's "Retry now"); false when not waiting. */
  retryNow(): boolean;
}
