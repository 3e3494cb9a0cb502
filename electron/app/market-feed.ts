// Market data for the screens: the ticker, polled from the platform and pushed to the
// renderer when it changes; candles fetched on demand and cached in the local ledger so
// the chart opens offline (only what is new is fetched again).
import type { Candle, CandleInterval, Ticker } from '../../shared/platform/events.js';
import type { Ledger } from '../services/ledger/index.js';

export interface MarketSource {
  getTicker(): Promise<Ticker>;
  getCandles(q: { interval: CandleInterval; before?: number; limit?: number }): Promise<{ candles: Candle[] }>;
}

/** How often the ticker is polled while the platform answers, and the back-off cap. */
const TICKER_POLL_MS = 2_000;
const TICKER_BACKOFF_MAX_MS = 30_000;

export class MarketFeed {
  private ticker: Ticker | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly source: MarketSource | null,
    private readonly ledger: Ledger,
    private readonly onTicker: (t: Ticker | null) => void,
  ) {}

  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  latest(): Ticker | null {
    return this.ticker;
  }

  private async poll(): Promise<void> {
    if (this.stopped || !this.source) return;
    try {
      const t = await this.source.getTicker();
      this.failures = 0;
      if (JSON.stringify(t) !== JSON.stringify(this.ticker)) {
        this.ticker = t;
        this.onTicker(t);
      }
    } catch {
      this.failures += 1; // the last ticker stays shown; the status bar reports the outage
    }
    if (this.stopped) return;
    const delay = Math.min(TICKER_BACKOFF_MAX_MS, TICKER_POLL_MS * 2 ** Math.min(this.failures, 4));
    this.timer = setTimeout(() => void this.poll(), delay);
    this.timer.unref();
  }

  /** Newest page (or the page before `before`); from the platform, else from the cache. */
  async candles(interval: CandleInterval, before: number | undefined, limit: number): Promise<{ candles: Candle[]; from_cache: boolean }> {
    if (this.source) {
      try {
        const res = await this.source.getCandles(before === undefined ? { interval, limit } : { interval, before, limit });
        this.ledger.upsertCandles(interval, res.candles);
        return { candles: res.candles, from_cache: false };
      } catch {
        // fall through to the local cache
      }
    }
    return { candles: this.ledger.candles(interval, before ?? null, limit), from_cache: true };
  }
}
