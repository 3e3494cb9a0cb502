// Server side of request signing: the HMAC over the shared canonical text
// (shared/platform/signing.ts, which documents the scheme) and a constant-time compare.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalRequest, SIGNATURE_PATTERN, wsAuthCanonical } from '../../shared/platform/signing.js';

export { SIGNATURE_WINDOW_MS, WS_SIGNING_PATH, canonicalRequest, wsAuthCanonical } from '../../shared/platform/signing.js';

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

export function sign(secret: string, timestamp_ms: number, method: string, path_with_query: string, raw_body: string): string {
  return hmacHex(secret, canonicalRequest(timestamp_ms, method, path_with_query, raw_body));
}

export function signWsAuth(secret: string, timestamp_ms: number, challenge: string): string {
  return hmacHex(secret, wsAuthCanonical(timestamp_ms, challenge));
}

/** Constant-time comparison of a presented hex signature with the expected one. */
export function signatureMatches(expected_hex: string, presented_hex: string): boolean {
  if (!SIGNATURE_PATTERN.test(presented_hex)) return false;
  return timingSafeEqual(Buffer.from(expected_hex, 'hex'), Buffer.from(presented_hex, 'hex'));
}
