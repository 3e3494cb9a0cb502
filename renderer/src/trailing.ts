// Tax figures over the whole history are recomputed by the main process at a bounded rate
// (electron/app/tax-service.ts, Recompute), so an answer may trail the ledger for a moment.
// Screens that show them load now and ask again while the answer's as_of_seq trails.

/** Wait before asking again for an answer that trails the ledger. */
export const TRAILING_RETRY_MS = 2_000;

/**
 * Runs `load` (which returns the answer's as_of_seq, or null on failure) now, and again every
 * TRAILING_RETRY_MS while it trails `seq`. Returns the cleanup for useEffect. The first load
 * runs in a microtask, so state is set when answers arrive, never inside the effect itself.
 */
export function loadUntilCaughtUp(load: () => Promise<number | null>, seq: number | undefined): () => void {
  let live = true;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const run = () =>
    void load().then((as_of) => {
      if (live && as_of !== null && seq !== undefined && as_of < seq) retry = setTimeout(run, TRAILING_RETRY_MS);
    });
  queueMicrotask(run);
  return () => {
    live = false;
    clearTimeout(retry);
  };
}
