// Horizontal lines on the price scale: the face value (kept in view), the user's average
// cost, and one per open order (buy green, sell red, labelled). Each set is replaced whole
// when its inputs change; they are few.
import { useEffect } from 'react';
import { LineStyle, type AutoscaleInfo, type IPriceLine } from 'lightweight-charts';
import { DOWN_COLOR, UP_COLOR } from './series-data';
import type { OrderLine } from './chart-lines';
import type { ChartParts } from './use-chart-host';

const FACE_COLOR = '#c9a227';
const COST_COLOR = '#4c9aff';

export function usePriceLines(parts: ChartParts | null, face_value: string | null, average_cost: string | null, orders: readonly OrderLine[], priceFormat: object): void {
  useEffect(() => {
    if (parts) parts.price.applyOptions({ priceFormat });
  }, [parts, priceFormat]);

  useEffect(() => {
    if (!parts || !face_value) return;
    const face = Number(face_value); // pixels only
    const line = parts.price.createPriceLine({ price: face, color: FACE_COLOR, lineWidth: 1, lineStyle: LineStyle.Dashed, title: 'face value' });
    // Keep face value in view so the premium is visible at a glance.
    parts.price.applyOptions({
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const res = original();
        if (!res?.priceRange) return res;
        return { ...res, priceRange: { minValue: Math.min(res.priceRange.minValue, face), maxValue: Math.max(res.priceRange.maxValue, face) } };
      },
    });
    return () => removeLines(parts, [line]);
  }, [parts, face_value]);

  useEffect(() => {
    if (!parts || !average_cost) return;
    const line = parts.price.createPriceLine({ price: Number(average_cost), color: COST_COLOR, lineWidth: 1, lineStyle: LineStyle.Dotted, title: 'avg cost' });
    return () => removeLines(parts, [line]);
  }, [parts, average_cost]);

  useEffect(() => {
    if (!parts) return;
    const lines = orders.map((o) =>
      parts.price.createPriceLine({ price: Number(o.price), color: o.side === 'buy' ? UP_COLOR : DOWN_COLOR, lineWidth: 1, lineStyle: LineStyle.SparseDotted, title: o.title }),
    );
    return () => removeLines(parts, lines);
  }, [parts, orders]);
}

/** On unmount the chart is removed first (its effect is older), taking its lines with it. */
function removeLines(parts: ChartParts, lines: IPriceLine[]): void {
  if (parts.removed.value) return;
  for (const l of lines) parts.price.removePriceLine(l);
}
