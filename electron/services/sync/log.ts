// A pino logger for the sync side with credentials redacted wherever they appear as fields.
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = ['secret', '*.secret', 'credentials', '*.credentials', 'headers["x-signature"]', '*.headers["x-signature"]', 'signature', '*.signature'];

export function createSyncLogger(destination?: DestinationStream, level: pino.Level = 'info'): Logger {
  const opts = { name: 'sync', level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(opts, destination) : pino(opts);
}
