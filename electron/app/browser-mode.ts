// Browser mode: the wallet app plus the loopback web host, in one plain Node process.
import { ledgerPassphraseFromEnv } from './ledger-key.js';
import path from 'node:path';
import { startWalletApp, type WalletApp } from './wallet-app.js';
import { startWebHost, type WebHost } from '../web/server.js';
import { defaultDataDir } from '../services/paths.js';
import type { AppArgs } from './args.js';

export interface BrowserMode {
  wallet: WalletApp;
  web: WebHost;
  close(): Promise<void>;
}

export async function startBrowserMode(args: AppArgs, root_dir: string, app_version: string): Promise<BrowserMode> {
  const wallet = await startWalletApp({
    data_dir: args.data_dir ?? defaultDataDir(),
    host: 'browser',
    platform_url: args.platform_url,
    app_version,
    ...ledgerPassphraseFromEnv(),
  });
  let web: WebHost;
  try {
    web = await startWebHost({
      handlers: wallet.handlers,
      events: wallet.events,
      renderer_dir: path.join(root_dir, 'dist', 'renderer'),
      port: args.port,
      onInternalError: wallet.logInternalError,
      reportFile: (export_id, name) => wallet.reportFile(export_id, name),
    });
  } catch (err) {
    await wallet.close();
    throw err;
  }
  return {
    wallet,
    web,
    close: async () => {
      await web.close();
      await wallet.close();
    },
  };
}
