// A fixed handler set that satisfies the contract, for testing the transports (dispatch,
// browser-mode host) in isolation. The real handlers are exercised by integration and
// end-to-end tests against the real app.
import type { WalletHandlers } from '../../electron/api/dispatch.js';
import { WALLET_METHOD_NAMES, WalletApiError } from '../../shared/contract/wallet-api.js';

export function sampleHandlers(): WalletHandlers {
  // Methods this fixture does not model answer with a clear error.
  const absent = Object.fromEntries(
    WALLET_METHOD_NAMES.map((m) => [m, async () => { throw new WalletApiError('not_in_sample', `${m} is not modelled by the transport test fixture`); }]),
  ) as unknown as WalletHandlers;
  return {
    ...absent,
    getAppInfo: async () => ({ app_version: '0.0.0-test', host: 'browser', data_dir: '/tmp/x', secret_store: { kind: 'file', warning: null } }),
    getStatus: async () => ({ state: 'online', platform_url: 'http://127.0.0.1:1', demo: true, last_synced_at: null, events_behind: 0, last_error: null, open_mismatches: 0 }),
    getMarket: async () => ({ ticker: null }),
    getCandles: async () => ({
      candles: [
        { time: 60, open: '0.02', high: '0.03', low: '0.01', close: '0.025', volume: '10' },
        { time: 120, open: '0.025', high: '0.03', low: '0.02', close: '0.021', volume: '4.5' },
      ],
      from_cache: false,
    }),
    getPortfolio: async () => ({
      usd: { total: '100', available: '90', reserved: '10' },
      token: { total: '5', available: '5', reserved: '0' },
      credits: { available: '700' },
      as_of_seq: 3,
      as_of_time: null,
    }),
    getActivity: async () => ({ entries: [] }),
    getMismatches: async () => ({ mismatches: [] }),
    verifyLedger: async () => ({ ok: true, entries: 0, cursor_seq: 0, quarantined: 0, open_mismatches: 0, problems: [] }),
  };
}
