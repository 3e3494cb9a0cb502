// Client side of request signing: HMAC-SHA256 (node:crypto) over the canonical text defined
// once in shared/platform/signing.ts, the same text the platform verifies.
import { createHmac } from 'node:crypto';
import { canonicalRequest, wsAuthCanonical } from '../../../shared/platform/signing.js';

export function signRequest(secret: string, timestamp_ms: number, method: string, path_with_query: string, raw_body: string): string {
  return createHmac('sha256', secret).update(canonicalRequest(timestamp_ms, method, path_with_query, raw_body)).digest('hex');
}

export function signWsChallenge(secret: string, timestamp_ms: number, challenge: string): string {
  return createHmac('sha256', secret).update(wsAuthCanonical(timestamp_ms, challenge)).digest('hex');
}
