// The price chart's visible span, published for the views that follow it (the premium chart).
import { describe, expect, it } from 'vitest';
import { publishVisibleSpan, useChartView } from '../src/store/chart-view';

describe('chart view: the visible span', () => {
  it('notifies followers once per change, not for the same span again', () => {
    const seen: unknown[] = [];
    const stop = useChartView.subscribe((s) => seen.push(s.visible));
    publishVisibleSpan(60, 600);
    publishVisibleSpan(60, 600); // a frame that did not move the view
    publishVisibleSpan(120, 660);
    stop();
    expect(seen).toEqual([{ from_s: 60, to_s: 600 }, { from_s: 120, to_s: 660 }]);
  });

  it('refuses a span that ends before it starts, and keeps the last one', () => {
    publishVisibleSpan(0, 60);
    expect(() => publishVisibleSpan(600, 60)).toThrow(/from 600 is after to 60/);
    expect(useChartView.getState().visible).toEqual({ from_s: 0, to_s: 60 });
  });
});
