// App state (zustand). Data comes only from the WalletApi: initial loads by method call,
// then pushed events keep it current. Amounts stay decimal strings; formatting is in format.ts.
import { create } from 'zustand';
import type { AppInfo, ConnectionStatus, Portfolio, WalletApi } from '../../shared/contract/wallet-api';
import type { Candle, CandleInterval, Ticker } from '../../shared/platform/events';
import { getWallet } from './api/wallet';

export type Page = 'overview' | 'markets' | 'trade' | 'activity' | 'tax' | 'compute' | 'settings';
export const PAGES: { id: Page; label: string; key: string }[] = [
  { id: 'overview', label: 'Overview', key: '1' },
  { id: 'markets', label: 'Markets', key: '2' },
  { id: 'trade', label: 'Trade', key: '3' },
  { id: 'activity', label: 'Activity', key: '4' },
  { id: 'tax', label: 'Taxes', key: '5' },
  { id: 'compute', label: 'Compute', key: '6' },
  { id: 'settings', label: 'Settings', key: '9' },
];

interface WalletState {
  page: Page;
  /** The renderer's link to the wallet service (IPC or loopback socket). */
  backend_connected: boolean;
  info: AppInfo | null;
  status: ConnectionStatus | null;
  ticker: Ticker | null;
  portfolio: Portfolio | null;
  load_error: string | null;
  chart: { interval: CandleInterval; candles: Candle[]; from_cache: boolean; error: string | null };
  setPage(page: Page): void;
  setChartInterval(interval: CandleInterval): void;
  loadCandles(): Promise<void>;
  start(): () => void;
}

let wallet: WalletApi | null = null;
export function walletApi(): WalletApi {
  if (!wallet) throw new Error('wallet API used before start()');
  return wallet;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useWallet = create<WalletState>((set, get) => ({
  page: 'overview',
  backend_connected: false,
  info: null,
  status: null,
  ticker: null,
  portfolio: null,
  load_error: null,
  chart: { interval: '15m', candles: [], from_cache: false, error: null },
  setPage: (page) => set({ page }),
  setChartInterval: (interval) => set((s) => ({ chart: { ...s.chart, interval } })),
  loadCandles: async () => {
    const interval = get().chart.interval;
    try {
      const res = await walletApi().getCandles({ interval, limit: 300 });
      if (get().chart.interval !== interval) return; // the user switched while we waited
      set({ chart: { interval, candles: res.candles, from_cache: res.from_cache, error: null } });
    } catch (err) {
      set((s) => ({ chart: { ...s.chart, error: message(err) } }));
    }
  },
  start: () => {
    wallet = getWallet((connected) => {
      set({ backend_connected: connected });
      if (connected) void refresh();
    });
    const api = wallet;
    const refresh = async () => {
      try {
        const [info, status, market, portfolio] = await Promise.all([
          api.getAppInfo({}),
          api.getStatus({}),
          api.getMarket({}),
          api.getPortfolio({}),
        ]);
        set({ info, status, ticker: market.ticker, portfolio, load_error: null });
      } catch (err) {
        set({ load_error: message(err) });
      }
    };
    const offs = [
      api.on('status', (status) => set({ status })),
      api.on('market', (m) => set({ ticker: m.ticker })),
      api.on('portfolio', (portfolio) => set({ portfolio })),
    ];
    void refresh();
    return () => offs.forEach((off) => off());
  },
}));
