// OHLC + volume of the candle under the crosshair, or of the newest candle when the
// crosshair is away. The figures are the candles' own decimal strings (exact).
import { useEffect, useState } from 'react';
import type { MouseEventParams } from 'lightweight-charts';
import { useChart } from '../../store/chart';
import type { Candle } from '../../../../shared/platform/events';
import { dec } from '../../../../shared/money';
import type { ChartParts } from './use-chart-host';

const places = (tick_size: string) => (tick_size.includes('.') ? tick_size.split('.')[1]!.length : 0);

function useHovered(parts: ChartParts | null): Candle | null {
  const [hovered, setHovered] = useState<Candle | null>(null);
  useEffect(() => {
    if (!parts) return;
    const onMove = (p: MouseEventParams) => {
      const i = p.logical;
      const c = useChart.getState().candles;
      setHovered(i !== undefined && p.point && i >= 0 && i < c.length ? c[Math.round(i)]! : null);
    };
    parts.chart.subscribeCrosshairMove(onMove);
    return () => parts.chart.unsubscribeCrosshairMove(onMove);
  }, [parts]);
  return hovered;
}

export function ChartLegend({ parts, tickSize, symbol }: { parts: ChartParts | null; tickSize: string; symbol: string }) {
  const hovered = useHovered(parts);
  const newest = useChart((s) => s.candles[s.candles.length - 1] ?? null);
  const k = hovered ?? newest;
  if (!k) return <div className="chart-legend muted small" data-testid="chart-legend">No candles yet</div>;
  const n = places(tickSize);
  const f = (s: string) => dec(s).toFixed(n);
  const up = dec(k.close).gte(dec(k.open));
  const when = new Date(k.time * 1000).toISOString().slice(0, 16).replace('T', ' ');
  return (
    <div className="chart-legend small" data-testid="chart-legend" data-time={k.time} data-live={hovered ? 'false' : 'true'}>
      <span className="muted">{when} UTC</span>
      <span>O <b className="num">{f(k.open)}</b></span>
      <span>H <b className="num">{f(k.high)}</b></span>
      <span>L <b className="num">{f(k.low)}</b></span>
      <span>
        C <b className={up ? 'num up' : 'num down'}>{f(k.close)}</b> <span aria-hidden="true">{up ? '▲' : '▼'}</span>
      </span>
      <span>Vol <b className="num">{dec(k.volume).toFixed(2)}</b> {symbol}</span>
    </div>
  );
}
