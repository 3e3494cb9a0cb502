// Replay protection for signed writes, persisted in the platform store (table
// seen_signatures, schema.ts) so it survives a restart: a signed withdrawal captured on the
// wire and sent again, before or after the server restarts, is refused.
// A signature is claimed inside the request's own transaction (the group commit in
// http/server.ts), before the handler runs and outside its savepoint: it stays claimed even
// when the handler refuses the request, so a refused write cannot be replayed into success
// later (say, a withdrawal refused for funds, replayed after a deposit).
import type { PlatformStore } from '../core/store.js';
import { SIGNATURE_WINDOW_MS } from '../../shared/platform/signing.js';

/** Kept this long past their timestamp: beyond the window a replay is refused as stale, with a margin for clock steps. */
export const SEEN_SIGNATURE_TTL_MS = 2 * SIGNATURE_WINDOW_MS;

export class ReplayStore {
  constructor(private readonly store: Pick<PlatformStore, 'claimSignature' | 'pruneSignatures'>) {}

  /** Records the signature; false when it was recorded before (a replay). */
  claim(timestamp_ms: number, signature_hex: string): boolean {
    return this.store.claimSignature(timestamp_ms, Buffer.from(signature_hex, 'hex'));
  }

  /** Forgets signatures too old to be accepted again anyway; returns how many went. */
  prune(now_ms: number): number {
    return this.store.pruneSignatures(now_ms - SEEN_SIGNATURE_TTL_MS);
  }
}
