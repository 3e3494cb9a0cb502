// The token's instrument as the platform describes it (symbol, display name, fees), fetched
// once per run when the platform answers and kept in the data folder, so the one name of the
// token and the fee the decision helper uses are there offline too.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { MarketInfo } from '../../shared/platform/api.js';
import { zIsoTime } from '../../shared/platform/events.js';
import type { InstrumentView } from '../../shared/contract/compute.js';

/** A failed fetch is tried again at most this often. */
const RETRY_MS = 30_000;

const Stored = z.strictObject({ info: MarketInfo, fetched_at: zIsoTime });

export class InstrumentCache {
  private live: InstrumentView | null = null;
  private last_try_ms = -Infinity;
  private inflight: Promise<InstrumentView | null> | null = null;

  constructor(
    private readonly source: { getMarket(): Promise<MarketInfo> } | null,
    private readonly file: string,
    private readonly logger?: Logger,
    private readonly now_ms: () => number = () => Date.now(),
  ) {}

  /** Live when fetched in this run; else the kept copy (live: false); null when never fetched. */
  async get(): Promise<InstrumentView | null> {
    if (this.live) return this.live;
    // A fetch in flight is waited for (a caller arriving meanwhile must not get the old copy).
    if (!this.inflight && this.source && this.now_ms() - this.last_try_ms >= RETRY_MS) {
      this.inflight = this.fetch().finally(() => (this.inflight = null));
    }
    const got = this.inflight ? await this.inflight : null;
    return got ?? this.stored();
  }

  /** The last known instrument without waiting (live or kept). */
  known(): InstrumentView | null {
    return this.live ?? this.stored();
  }

  private async fetch(): Promise<InstrumentView | null> {
    this.last_try_ms = this.now_ms();
    try {
      const info = await this.source!.getMarket();
      const fetched_at = new Date(this.now_ms()).toISOString();
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(`${this.file}.tmp`, JSON.stringify({ info, fetched_at }), { mode: 0o600 });
      renameSync(`${this.file}.tmp`, this.file);
      this.live = view(info, fetched_at, true);
      return this.live;
    } catch (err) {
      this.logger?.warn({ err }, 'instrument: could not fetch the market info; using the kept copy');
      return null;
    }
  }

  private stored(): InstrumentView | null {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return null;
    }
    const parsed = Stored.safeParse(raw);
    if (!parsed.success) return null;
    return view(parsed.data.info, parsed.data.fetched_at, false);
  }
}

function view(info: MarketInfo, fetched_at: string, live: boolean): InstrumentView {
  return {
    market_symbol: info.symbol,
    base_symbol: info.base_symbol,
    display_name: info.display_name,
    maker_fee_bps: info.maker_fee_bps,
    taker_fee_bps: info.taker_fee_bps,
    tick_size: info.tick_size,
    lot_size: info.lot_size,
    min_price: info.min_price,
    max_price: info.max_price,
    max_quantity: info.max_quantity,
    fetched_at,
    live,
  };
}
