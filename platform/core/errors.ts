// A refusal the core gives on purpose: machine-readable code, HTTP status, human text.
// Anything else thrown out of the core is a bug (InvariantError or an unexpected error)
// and maps to 500 with nothing written (the transaction rolled back).
export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown): PlatformError =>
  new PlatformError(400, code, message, details);
export const notFound = (code: string, message: string): PlatformError => new PlatformError(404, code, message);
export const conflict = (code: string, message: string, details?: unknown): PlatformError =>
  new PlatformError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown): PlatformError =>
  new PlatformError(422, code, message, details);
