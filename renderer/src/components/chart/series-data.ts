// Candles as the chart library draws them. It draws with JS numbers: converting decimal
// strings here is for pixels only; no amount computed from these values is shown or stored
// (the legend shows the candles' own strings).
import type { CandlestickData, HistogramData, PriceFormat, UTCTimestamp } from 'lightweight-charts';
import type { Candle } from '../../../../shared/platform/events';
import { dec } from '../../../../shared/money';

const pixels = (s: string) => Number(s);

export const UP_COLOR = '#2fbf71';
export const DOWN_COLOR = '#e5534b';
const VOLUME_UP = 'rgba(47, 191, 113, 0.45)';
const VOLUME_DOWN = 'rgba(229, 83, 75, 0.45)';

export const bar = (k: Candle): CandlestickData<UTCTimestamp> => ({
  time: k.time as UTCTimestamp,
  open: pixels(k.open),
  high: pixels(k.high),
  low: pixels(k.low),
  close: pixels(k.close),
});

export const volumeBar = (k: Candle): HistogramData<UTCTimestamp> => ({
  time: k.time as UTCTimestamp,
  value: pixels(k.volume),
  color: dec(k.close).gte(dec(k.open)) ? VOLUME_UP : VOLUME_DOWN,
});

/** Price labels with the market's tick: "0.0001" → 4 decimals, moves of one tick. */
export function priceFormat(tick_size: string): PriceFormat {
  const places = tick_size.includes('.') ? tick_size.split('.')[1]!.length : 0;
  return { type: 'price', precision: places, minMove: pixels(tick_size) };
}
