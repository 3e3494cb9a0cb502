// Platform sync (issue #4). Public API for the app:
//
//   const engine = createSyncEngine({
//     ledger,                                  // from openLedger()
//     client,                                  // PlatformClient (REST), or anything with the SyncClient methods
//     stream_factory: () => new PlatformStream({ base_url, credentials, channels: ['events'], timeout_ms: 5000 }),
//     logger?, page_limit?, heartbeat_timeout_ms?, backoff_initial_ms?, backoff_max_ms?, ...
//     random?, timers?,                        // jitter source and clock/timers (default Math.random, systemTimers);
//                                              // a simulation injects seeded/virtual ones
//   });
//   engine.start();                            // runs until stop(): catch-up → reconcile → market data → live
//   engine.status(): { state: 'online'|'offline'|'syncing', last_synced_at, events_behind, last_error, cursor_seq, open_mismatches }
//   engine.onStatus(listener): () => void      // every change; returns unsubscribe
//   engine.mismatches(): Mismatch[]            // open reconciliation mismatches (kept in the ledger)
//   engine.whenSynced(timeout_ms): Promise<SyncStatus>
//   await engine.stop();
//
// The ledger stays readable while offline: the app reads balances/entries/candles from it
// directly, whatever the engine's state.
export { createSyncLogger, REDACT_PATHS } from './log.js';
export { createSyncEngine } from './engine.js';
export { systemTimers, type SyncTimers, type SyncEngine, type SyncEngineOptions, type SyncStatus, type SyncState, type SyncClient, type SyncStream } from './types.js';
