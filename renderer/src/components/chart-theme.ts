// The charts' shared look (price and premium charts), per theme, with times shown in the one
// time-zone setting and prices in the one locale (format.ts). `useChartOptions()` gives the
// options for the theme on screen; apply them with `chart.applyOptions()` when they change.
import { useMemo } from 'react';
import { ColorType, TickMarkType, type ChartOptions, type DeepPartial, type Time } from 'lightweight-charts';
import { date, dateTime, displayFormat, timeShort } from '../format';
import { usePreferences, useResolvedTheme, type ResolvedTheme } from '../store/preferences';

/** Series colours per theme (candles, volume, lines), each readable on its chart background. */
export interface ChartColors {
  up: string;
  down: string;
  line: string;
  face_value: string;
  background: string;
  text: string;
  grid: string;
  border: string;
}

export const CHART_COLORS: Readonly<Record<ResolvedTheme, ChartColors>> = {
  dark: { up: '#2fbf71', down: '#f0706a', line: '#4c9aff', face_value: '#c9a227', background: '#11161d', text: '#9aa7b4', grid: '#1c2430', border: '#2a3442' },
  light: { up: '#1a7f37', down: '#cf222e', line: '#0969da', face_value: '#9a6700', background: '#ffffff', text: '#57606a', grid: '#eaeef2', border: '#d0d7de' },
};

const seconds = (t: Time): number => (typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) / 1000 : Date.UTC(t.year, t.month - 1, t.day) / 1000);

/** Axis ticks and the crosshair label in the time-zone setting (the chart itself only knows UTC). */
function localization(): DeepPartial<ChartOptions> {
  return {
    localization: { locale: displayFormat().locale, timeFormatter: (t: Time) => dateTime(seconds(t) * 1000) },
    timeScale: {
      tickMarkFormatter: (t: Time, type: TickMarkType) => {
        const ms = seconds(t) * 1000;
        if (type === TickMarkType.Time || type === TickMarkType.TimeWithSeconds) return timeShort(ms);
        return date(ms);
      },
    },
  };
}

/** The chart options for a theme (layout, grid, borders, time and locale formatting). */
export function chartOptions(theme: ResolvedTheme): DeepPartial<ChartOptions> {
  const c = CHART_COLORS[theme];
  const l = localization();
  return {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: c.background }, textColor: c.text, attributionLogo: false },
    grid: { vertLines: { color: c.grid }, horzLines: { color: c.grid } },
    localization: l.localization,
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: c.border, ...l.timeScale },
    rightPriceScale: { borderColor: c.border },
  };
}

/** The options and colours for the theme, locale and time zone on screen now; new objects only when one of them changes. */
export function useChartOptions(): { options: DeepPartial<ChartOptions>; colors: ChartColors; theme: ResolvedTheme } {
  const theme = useResolvedTheme();
  const locale = usePreferences((s) => s.prefs.locale);
  const zone = usePreferences((s) => s.prefs.time_zone);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- locale and zone change what chartOptions() reads from format.ts
  return useMemo(() => ({ options: chartOptions(theme), colors: CHART_COLORS[theme], theme }), [theme, locale, zone]);
}

/** The dark look, as before themes (kept for code that has not moved to useChartOptions). */
export const CHART_OPTIONS: DeepPartial<ChartOptions> = chartOptions('dark');
