// A whole wallet process for the one-process-per-folder test, as `npm start --web` runs it
// minus the web host: startWalletApp on --data-dir, then (with --place N) N limit orders
// through the wallet API once online, printing `placed <client_order_id>` for each.
// SIGTERM closes the wallet and exits 0; a failed start prints the reason and exits 1.
import { startWalletApp } from '../../electron/app/wallet-app.js';
import { dispatch } from '../../electron/api/dispatch.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const data_dir = arg('data-dir');
if (!data_dir) throw new Error('usage: wallet-child.ts --data-dir DIR [--place N]');
const place = Number(arg('place') ?? '0');

let stop: () => void = () => process.exit(0);
process.on('SIGTERM', () => stop());

async function main(): Promise<void> {
  const app = await startWalletApp({ data_dir: data_dir!, host: 'browser', app_version: '0.0.0-test' });
  stop = () => void app.close().then(() => process.exit(0), () => process.exit(1));
  process.stdout.write('started\n');
  const call = async (method: string, payload: unknown = {}) => {
    const out = await dispatch(app.handlers, method, payload, () => {});
    if (!out.ok) throw new Error(`${method}: ${out.error.message}`);
    return out.result as Record<string, unknown>;
  };
  if (place === 0) return;
  for (let t0 = Date.now(); (await call('getStatus')).state !== 'online'; ) {
    if (Date.now() - t0 > 20_000) throw new Error('never online');
    await new Promise((r) => setTimeout(r, 50));
  }
  for (let i = 0; i < place; i++) {
    const o = await call('placeOrder', { side: 'buy', type: 'limit', quantity: '1', price: `0.00${10 + i}` });
    process.stdout.write(`placed ${String(o.client_order_id)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Could not start Compute Wallet: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
