// The app's wiring of platform client, sync engine, ledger and order service, for the
// loopback integration tests (the same connections electron/app/wallet-app.ts makes).
import path from 'node:path';
import { openLedger, type Ledger } from '../../electron/services/ledger/index.js';
import { PlatformClient, PlatformStream } from '../../electron/services/platform-client/index.js';
import { createSyncEngine, type SyncEngine } from '../../electron/services/sync/index.js';
import { createOrderService, platformClientTransport, type OrderService } from '../../electron/services/orders/index.js';

export async function until(what: string, cond: () => boolean, timeout_ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeout_ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Wallet {
  /** Stops the feed without telling the order service (which stays online). */
  pauseFeed(): Promise<void>;
  ledger: Ledger;
  sync: SyncEngine;
  orders: OrderService;
  close(): Promise<void>;
}

export function openWallet(dir: string, base_url: string, credentials: { key_id: string; secret: string }, held_tokens?: () => string): Wallet {
  const ledger = openLedger({ path: path.join(dir, 'wallet.db') });
  const client = new PlatformClient({ base_url, credentials, timeout_ms: 2000 });
  const sync = createSyncEngine({
    ledger,
    client,
    stream_factory: () => new PlatformStream({ base_url, credentials, channels: ['events'], timeout_ms: 2000 }),
    market_data: false,
    backoff_initial_ms: 50,
    backoff_max_ms: 300,
    heartbeat_timeout_ms: 3000,
  });
  const orders = createOrderService({ ledger, transport: platformClientTransport(client), ...(held_tokens ? { held_tokens } : {}) });
  // The app's view pipe: each committed ledger batch converges the orders.
  const off_applied = ledger.onApplied((b) => orders.onLedgerApplied(b));
  const detach_status = sync.onStatus((s) => orders.setOnline(s.state === 'online'));
  const detach = () => {
    off_applied();
    detach_status();
  };
  sync.start();
  orders.start();
  let closed = false;
  return {
    async pauseFeed() {
      detach();
      await sync.stop();
    },
    ledger,
    sync,
    orders,
    async close() {
      if (closed) return;
      closed = true;
      await orders.close();
      await sync.stop();
      ledger.close();
    },
  };
}

