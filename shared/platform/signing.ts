// The canonical text of a signed platform request, shared by the server (verify) and the
// wallet's client (sign) so both build exactly the same bytes. Pure and Node-free (the
// renderer typecheck includes shared/); the HMAC itself is computed with node:crypto in a
// Node-side module on each side (platform/auth/signing.ts, electron/services/platform-client/signing.ts).
//   X-Api-Key:   key id
//   X-Timestamp: Unix milliseconds
//   X-Signature: hex HMAC-SHA256(secret, canonicalRequest(timestamp, METHOD, path_with_query, raw_body))
// The WebSocket authenticates by signing the one-time challenge the server sent on that
// connection (wsAuthCanonical): a captured auth message is worthless on any other connection.

/** Requests whose timestamp is further than this from the server clock are refused. */
export const SIGNATURE_WINDOW_MS = 30_000;
export const WS_SIGNING_PATH = '/v1/ws';
/** Pseudo-method of the WebSocket auth text: no HTTP route has it, so the two can never be confused. */
export const WS_AUTH_METHOD = 'WS-AUTH';
/** A signature on the wire: lowercase hex of 32 bytes. */
export const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
/** A WebSocket challenge: lowercase hex of 32 random bytes. */
export const WS_CHALLENGE_PATTERN = /^[0-9a-f]{64}$/;

export function canonicalRequest(timestamp_ms: number, method: string, path_with_query: string, raw_body: string): string {
  return `${timestamp_ms}\n${method.toUpperCase()}\n${path_with_query}\n${raw_body}`;
}

/** What the client signs to authenticate a WebSocket: the connection's challenge, at a time. */
export function wsAuthCanonical(timestamp_ms: number, challenge: string): string {
  return canonicalRequest(timestamp_ms, WS_AUTH_METHOD, WS_SIGNING_PATH, challenge);
}
