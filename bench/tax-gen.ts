// Synthetic year of transactions for the tax benchmark (deterministic, no randomness source but a LCG).
import type { TaxTransaction } from '../electron/services/tax/index.js';

/** n transactions: ~10% in 2024 (acquisitions), the rest in 2025; about half acquisitions, half disposals. */
export function syntheticYear(n: number): TaxTransaction[] {
  let seed = 12345;
  const rnd = (m: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % m;
  };
  const start = Date.UTC(2024, 0, 1);
  const span = Date.UTC(2026, 0, 1) - start - 1000;
  const out: TaxTransaction[] = new Array<TaxTransaction>(n);
  let held = 0; // in hundredths
  for (let i = 0; i < n; i++) {
    const ms = start + Math.floor((span * i) / n);
    const time = new Date(ms).toISOString();
    const price = `${1 + rnd(3)}.${String(rnd(10000)).padStart(4, '0')}`;
    const wantSell = i > n / 10 && rnd(100) < 50 && held > 0;
    if (wantSell) {
      const q = Math.min(held, 1 + rnd(2000));
      held -= q;
      const type = rnd(10) === 0 ? 'redeem' : 'sell';
      out[i] = { id: `t${i}`, time, type, quantity: (q / 100).toFixed(2), price_usd: price, fee_usd: type === 'sell' ? '0.01' : '0' };
    } else {
      const q = 1 + rnd(2000);
      held += q;
      const k = rnd(20);
      const type = k === 0 ? 'mint' : k === 1 ? 'income' : 'buy';
      out[i] = {
        id: `t${i}`, time, type, quantity: (q / 100).toFixed(2), price_usd: price, fee_usd: type === 'buy' ? '0.02' : '0',
        ...(type === 'mint' ? { basis_usd: (q / 200).toFixed(2) } : {}),
      };
    }
  }
  return out;
}

export function toCsv(txs: TaxTransaction[]): string {
  const lines = ['id,time,type,quantity,price,fee,basis'];
  for (const t of txs) lines.push(`${t.id},${t.time},${t.type},${t.quantity},${t.price_usd},${t.fee_usd},${t.basis_usd ?? ''}`);
  return lines.join('\n') + '\n';
}
