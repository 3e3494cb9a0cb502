// The chart store's paging when the platform is not answering: a page from the local cache
// that is shorter than a page is the end of the cache, not the start of the history, so the
// store asks again (with backoff) and takes the platform's older candles once they come.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Candle } from '../../shared/platform/events';

interface Answer {
  candles: Candle[];
  from_cache: boolean;
}
const answers: (Answer | Error)[] = [];
const asked: { before?: number }[] = [];

vi.mock('../src/store/session', () => ({
  walletApi: () => ({
    getCandles: async (q: { before?: number }) => {
      asked.push(q);
      const a = answers.shift();
      if (!a) throw new Error('no answer queued');
      if (a instanceof Error) throw a;
      return a;
    },
  }),
  message: (e: unknown) => (e instanceof Error ? e.message : String(e)),
}));

const { useChart } = await import('../src/store/chart');

const candle = (time: number): Candle => ({ time, open: '1', high: '1', low: '1', close: '1', volume: '0' });
/** `n` one-minute candles ending just before `before`. */
const page = (before: number, n: number): Candle[] => Array.from({ length: n }, (_, i) => candle(before - (n - i) * 60));

beforeEach(() => {
  vi.useFakeTimers();
  answers.length = 0;
  asked.length = 0;
});
afterEach(() => vi.useRealTimers());

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('chart store paging', () => {
  it('a short page from the cache is retried, and the platform older page then joins the window', async () => {
    const now = 1_800_000_000;
    answers.push({ candles: page(now, 1000), from_cache: false });
    useChart.getState().setInterval('1m');
    await settle();
    expect(useChart.getState().candles).toHaveLength(1000);
    const first = useChart.getState().candles[0]!.time;

    // The platform stops answering: the wallet falls back to its cache, which ends here.
    answers.push({ candles: page(first, 10), from_cache: true });
    await useChart.getState().loadOlder();
    let s = useChart.getState();
    expect(s.candles).toHaveLength(1010);
    expect(s.reached_start).toBe(true);
    expect(s.start_from_cache).toBe(true);

    // The cache's start is not final: after the backoff the view may ask again ...
    await vi.advanceTimersByTimeAsync(1_500);
    s = useChart.getState();
    expect(s.reached_start).toBe(false);
    expect(s.retry_attempt).toBe(1);
    // ... and the platform, back, brings a full older page.
    answers.push({ candles: page(s.candles[0]!.time, 1000), from_cache: false });
    await useChart.getState().loadOlder();
    s = useChart.getState();
    expect(s.candles).toHaveLength(2010);
    expect(s.reached_start).toBe(false);
    expect(s.start_from_cache).toBe(false);
    expect(s.retry_attempt).toBe(0);
    expect(asked.at(-1)?.before).toBe(first - 10 * 60);
  });

  it('a failed request clears its error after the backoff so the view asks again', async () => {
    const now = 1_800_000_000;
    answers.push({ candles: page(now, 1000), from_cache: false });
    useChart.getState().setInterval('5m');
    await settle();
    answers.push(new Error('timeout'));
    await useChart.getState().loadOlder();
    expect(useChart.getState().error).toBe('timeout');
    await vi.advanceTimersByTimeAsync(1_500);
    expect(useChart.getState().error).toBeNull();
    expect(useChart.getState().reached_start).toBe(false);
  });

  it('the platform own first candle is final: no retry is scheduled', async () => {
    answers.push({ candles: page(1_800_000_000, 40), from_cache: false });
    useChart.getState().setInterval('1h');
    await settle();
    const s = useChart.getState();
    expect(s.reached_start).toBe(true);
    expect(s.start_from_cache).toBe(false);
    const revision = s.revision;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(useChart.getState().revision).toBe(revision);
    await useChart.getState().loadOlder();
    expect(asked).toHaveLength(1);
  });
});
