// The charts' shared look (price and premium charts).
import { ColorType, type DeepPartial, type ChartOptions } from 'lightweight-charts';

export const CHART_OPTIONS: DeepPartial<ChartOptions> = {
  autoSize: true,
  layout: { background: { type: ColorType.Solid, color: '#11161d' }, textColor: '#9aa7b4', attributionLogo: false },
  grid: { vertLines: { color: '#1c2430' }, horzLines: { color: '#1c2430' } },
  timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#2a3442' },
  rightPriceScale: { borderColor: '#2a3442' },
};
