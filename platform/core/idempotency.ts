// Idempotency keys (request_id) of the mutations other than orders (those have
// client_order_id): deposits, withdrawals, usage and redemptions.
import { conflict } from './errors.js';
import type { CoreKernel } from './kernel.js';
import { REQUEST_ID_TTL_MS } from './types.js';

/**
 * Runs a mutation at most once per (account, request_id): a retry after a lost answer gets
 * the first answer back and changes nothing (the balances in it are as of then); the same
 * id with another request is refused. Without a request_id it just runs. Call inside tx().
 */
export function once<T>(k: CoreKernel, account_id: string, kind: string, request_id: string | undefined, request: Record<string, string>, run: () => T): T {
  if (request_id === undefined) return run();
  const body = JSON.stringify(request);
  const seen = k.store.storedRequest(account_id, request_id);
  if (seen) {
    if (seen.kind !== kind || seen.body !== body) throw conflict('request_id_reused', `request_id ${request_id} was already used for another ${seen.kind} request`);
    return JSON.parse(seen.response) as T;
  }
  const out = run();
  const now = k.now_ms();
  // Bounded: ids older than the retention window are forgotten (a retry that late is a new request).
  k.store.pruneRequests(now - REQUEST_ID_TTL_MS);
  k.store.insertRequest(account_id, request_id, { kind, body, response: JSON.stringify(out) }, now);
  return out;
}
