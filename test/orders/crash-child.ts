// Child process for crash.test.ts: places orders into the outbox as fast as it can and
// prints each client_order_id once place() has returned; the first ones go to a sender
// whose requests never return (they stay `sending`). The parent SIGKILLs it mid-stream.
import { openLedger } from '../../electron/services/ledger/index.js';
import { createOrderService, type OrderTransport } from '../../electron/services/orders/index.js';

const [wallet_path] = process.argv.slice(2);
if (!wallet_path) throw new Error('usage: crash-child.ts WALLET_PATH');
const ledger = openLedger({ path: wallet_path });
const hang: OrderTransport = {
  createOrder: () => new Promise(() => {}),
  getOrderByClientId: () => new Promise(() => {}),
  cancelOrder: () => new Promise(() => {}),
};
const svc = createOrderService({ ledger, transport: hang, rate_limit: false, online: true, max_in_flight: 4 });
for (let i = 0; i < 100_000; i++) {
  const v = svc.place({ side: 'buy', type: 'limit', price: '0.01', quantity: '0.01' });
  process.stdout.write(`${v.client_order_id}\n`);
  if (i === 3) void svc.drainOnce(); // a window goes `sending` and never hears back
  if (i % 50 === 0) await new Promise((r) => setImmediate(r));
}
