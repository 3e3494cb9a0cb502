// What the price chart shows: the times of its first and last visible candle. Written by the
// price chart as the user zooms and scrolls; read by views that follow it (the premium chart
// shows the same span). View state only: nothing here is fetched or stored.
import { create } from 'zustand';

export interface VisibleSpan {
  from_s: number;
  to_s: number;
}

export const useChartView = create<{ visible: VisibleSpan | null }>(() => ({ visible: null }));

/** Publishes the price chart's visible span; an unchanged span notifies no one. */
export function publishVisibleSpan(from_s: number, to_s: number): void {
  if (!(from_s <= to_s)) throw new Error(`publishVisibleSpan: from ${from_s} is after to ${to_s}`);
  const now = useChartView.getState().visible;
  if (now && now.from_s === from_s && now.to_s === to_s) return;
  useChartView.setState({ visible: { from_s, to_s } });
}
