// Creates the chart (candles, and volume on its own scale below them) in a host element and
// disposes it with the component. The chart sizes itself to the host (autoSize: a
// ResizeObserver inside the library), so a resizable panel only has to resize the host.
import { useEffect, useRef, useState } from 'react';
import { CandlestickSeries, createChart, HistogramSeries, type IChartApi, type ISeriesApi } from 'lightweight-charts';
import { CHART_OPTIONS, useChartOptions } from '../chart-theme';
import { DOWN_COLOR, UP_COLOR } from './series-data';

export interface ChartParts {
  host: HTMLDivElement;
  chart: IChartApi;
  price: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
  /** Set when the chart is removed (its series and lines went with it). */
  removed: { value: boolean };
}

/** The chart parts once created (null before mount and after unmount). */
export function useChartHost(): { host: React.RefObject<HTMLDivElement | null>; parts: ChartParts | null } {
  const host = useRef<HTMLDivElement>(null);
  const [parts, setParts] = useState<ChartParts | null>(null);
  useEffect(() => {
    if (!host.current) return;
    const chart = createChart(host.current, CHART_OPTIONS);
    const price = chart.addSeries(CandlestickSeries, {
      upColor: UP_COLOR,
      downColor: DOWN_COLOR,
      borderVisible: false,
      wickUpColor: UP_COLOR,
      wickDownColor: DOWN_COLOR,
    });
    const volume = chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'vol', lastValueVisible: false, priceLineVisible: false });
    chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    chart.priceScale('right').applyOptions({ scaleMargins: { top: 0.08, bottom: 0.22 } }); // candles above the volume bars
    const removed = { value: false };
    setParts({ host: host.current, chart, price, volume, removed });
    return () => {
      setParts(null);
      removed.value = true;
      chart.remove();
    };
  }, []);
  // The theme, locale or time zone changed: restyle in place (data, zoom and scroll stay).
  const look = useChartOptions();
  useEffect(() => {
    if (!parts || parts.removed.value) return;
    parts.chart.applyOptions(look.options);
    parts.price.applyOptions({ upColor: look.colors.up, downColor: look.colors.down, wickUpColor: look.colors.up, wickDownColor: look.colors.down });
  }, [parts, look]);
  return { host, parts };
}
