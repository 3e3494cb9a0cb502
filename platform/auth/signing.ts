// Request signing for the platform API, shared by the server (verify) and the wallet's
// client (sign) so both build the exact same canonical text.
//   X-Api-Key:   key id
//   X-Timestamp: Unix milliseconds
//   X-Signature: hex HMAC-SHA256(secret, `${timestamp}\n${METHOD}\n${path_with_query}\n${raw_body}`)
// The WebSocket authenticates with the same scheme over `${timestamp}\nGET\n/v1/ws\n`.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Requests whose timestamp is further than this from the server clock are refused. */
export const SIGNATURE_WINDOW_MS = 30_000;
export const WS_SIGNING_PATH = '/v1/ws';

export function canonicalRequest(timestamp_ms: number, method: string, path_with_query: string, raw_body: string): string {
  return `${timestamp_ms}\n${method.toUpperCase()}\n${path_with_query}\n${raw_body}`;
}

export function sign(secret: string, timestamp_ms: number, method: string, path_with_query: string, raw_body: string): string {
  return createHmac('sha256', secret).update(canonicalRequest(timestamp_ms, method, path_with_query, raw_body)).digest('hex');
}

/** Constant-time comparison of a presented hex signature with the expected one. */
export function signatureMatches(expected_hex: string, presented_hex: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(presented_hex)) return false;
  return timingSafeEqual(Buffer.from(expected_hex, 'hex'), Buffer.from(presented_hex, 'hex'));
}
