// The sender's background loop (the app): passes until nothing is due, then sleeps on the
// service's clock until the next due time, the next expiry, or a wake (a new order, a
// cancel, coming online). One lifecycle: start() once, stop() waits for the pass in flight.
import type { Logger } from 'pino';
import type { Clock } from './options.js';
import { BACKOFF_MAX_MS, type DrainResult } from './types.js';

/** Passes per wake-up before the loop looks at its timers again. */
const PASSES_PER_WAKE = 50;

export interface LoopHost {
  readonly clock: Clock;
  readonly log: Logger | undefined;
  drain(max_passes: number): Promise<DrainResult>;
  isOnline(): boolean;
  isClosed(): boolean;
}

export class SenderLoop {
  private stopping = false;
  private wake_: (() => void) | null = null;
  private readonly done: Promise<void>;

  constructor(private readonly h: LoopHost) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping && !this.h.isClosed()) {
      const wait_ms = await this.pass();
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const t = Number.isFinite(wait_ms) ? setTimeout(resolve, Math.max(1, wait_ms)) : null;
        this.wake_ = () => {
          if (t) clearTimeout(t);
          resolve();
        };
      });
      this.wake_ = null;
    }
  }

  /** One round of passes; how long to sleep after it (Infinity: until woken). */
  private async pass(): Promise<number> {
    try {
      const r = await this.h.drain(PASSES_PER_WAKE);
      const now = this.h.clock.now_ms();
      let wait_ms = Infinity;
      if (r.next_due_ms !== null && this.h.isOnline()) wait_ms = Math.max(0, r.next_due_ms - now);
      if (r.next_expiry_ms !== null) wait_ms = Math.min(wait_ms, Math.max(0, r.next_expiry_ms - now));
      return wait_ms;
    } catch (e) {
      this.h.log?.error({ err: e }, 'orders: sender pass failed');
      return BACKOFF_MAX_MS;
    }
  }

  wake(): void {
    this.wake_?.();
  }

  /** Ends the loop after the pass in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.done;
  }

  /** A crash: the loop ends without waiting for anything. */
  abandon(): void {
    this.stopping = true;
  }
}
