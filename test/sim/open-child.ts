// Benchmark helper: opens a ledger in a fresh process, answers the first screen's queries,
// prints {"open_ms", "rss_mb"} as JSON. Usage: node --import tsx test/sim/open-child.ts DB [KEY_HEX]
// (an encrypted ledger: its key; opening includes keying it, as in the app).
import path from 'node:path';
import { openLedger } from '../../electron/services/ledger/ledger.js';
import { useWalletDbKey } from '../../electron/services/db/cipher.js';

const file = process.argv[2];
if (!file) throw new Error('usage: open-child.ts DB [KEY_HEX]');
const key_hex = process.argv[3];
const t0 = performance.now();
if (key_hex) useWalletDbKey(path.dirname(file), Buffer.from(key_hex, 'hex'));
const ledger = openLedger({ path: file });
const screen = {
  wallet: ledger.walletBalances(),
  balances: ledger.balances(),
  recent: ledger.recentEntries(50),
  candles: ledger.candles('1h', null, 500),
  trades: ledger.recentTrades(50),
  orders: ledger.orders(50),
  mismatches: ledger.mismatches(true),
};
const open_ms = performance.now() - t0;
if (screen.recent.length === 0) throw new Error('empty ledger');
const rss_mb = process.memoryUsage().rss / 2 ** 20;
ledger.close();
process.stdout.write(JSON.stringify({ open_ms, rss_mb, entries: screen.wallet.entry_count }) + '\n');
