// Virtual clock and timers for deterministic runs of the sync engine (SyncTimers).
// Nothing fires by itself: advanceTo()/advance() move the clock and fire what became due,
// in due order (ties: in the order they were set), letting the promise chains each one
// starts run to their next wait before the next timer fires. All times in milliseconds.
import type { SyncTimers } from '../../electron/services/sync/index.js';

interface Pending {
  id: number;
  due_ms: number;
  fn: () => void;
  owner: TimerGroup;
}

/** Lets every pending promise continuation run (in-process calls only: no real I/O is awaited). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Upper bound on timers fired by one advance (a runaway zero-delay loop fails instead of hanging). */
export const FIRES_PER_ADVANCE_MAX = 100_000;

export class VirtualClock {
  private pending: Pending[] = [];
  private next_id = 1;
  fired = 0;

  /** `get`/`set` read and move the shared virtual time (the simulation owns the variable). */
  constructor(
    private readonly get: () => number,
    private readonly set: (ms: number) => void,
  ) {}

  now_ms(): number {
    return this.get();
  }

  /** A group of timers that can be killed together (one process incarnation of the engine). */
  group(): TimerGroup {
    return new TimerGroup(this);
  }

  /** @internal */
  add(owner: TimerGroup, fn: () => void, ms: number): number {
    // Whole milliseconds, as the platform and the order engine store them (jittered delays are fractional).
    const delay_ms = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : 0;
    const p: Pending = { id: this.next_id++, due_ms: this.get() + delay_ms, fn, owner };
    this.pending.push(p);
    return p.id;
  }

  /** @internal */
  remove(id: number): void {
    const i = this.pending.findIndex((p) => p.id === id);
    if (i >= 0) this.pending.splice(i, 1);
  }

  /** @internal */
  removeOwner(owner: TimerGroup): void {
    this.pending = this.pending.filter((p) => p.owner !== owner);
  }

  nextDueMs(): number {
    return this.pending.reduce((m, p) => Math.min(m, p.due_ms), Infinity);
  }

  count(): number {
    return this.pending.length;
  }

  /** Fires every timer due by `target_ms` (time set to each one's due time if that is later), then sets time to target. */
  async advanceTo(target_ms: number): Promise<void> {
    await flushMicrotasks();
    for (let n = 0; ; n++) {
      if (n >= FIRES_PER_ADVANCE_MAX) throw new Error(`virtual timers: more than ${FIRES_PER_ADVANCE_MAX} fires in one advance`);
      let best: Pending | null = null;
      for (const p of this.pending) if (p.due_ms <= target_ms && (best === null || p.due_ms < best.due_ms || (p.due_ms === best.due_ms && p.id < best.id))) best = p;
      if (best === null) break;
      this.remove(best.id);
      if (best.due_ms > this.get()) this.set(best.due_ms);
      this.fired++;
      best.fn();
      await flushMicrotasks();
    }
    if (target_ms > this.get()) this.set(target_ms);
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.get() + Math.max(0, ms));
  }
}

/** SyncTimers for one owner; kill() drops its timers and refuses new ones (they never fire). */
export class TimerGroup implements SyncTimers {
  private dead = false;

  constructor(private readonly clock: VirtualClock) {}

  now_ms(): number {
    return this.clock.now_ms();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    if (this.dead) return 0;
    return this.clock.add(this, fn, ms);
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.clock.remove(handle);
  }

  kill(): void {
    this.dead = true;
    this.clock.removeOwner(this);
  }

  get alive(): boolean {
    return !this.dead;
  }
}
