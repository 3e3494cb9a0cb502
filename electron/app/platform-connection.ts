// Which platform the wallet talks to, and with which API key: the embedded demo platform
// on loopback when none is configured (a new user sees live data at once), otherwise the
// configured URL with the key kept in the secret store.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { PlatformClient, PlatformStream, type PlatformCredentials } from '../services/platform-client/index.js';
import { createSyncEngine, type SyncEngine } from '../services/sync/index.js';
import type { Ledger } from '../services/ledger/index.js';
import type { ConnectionStatus } from '../../shared/contract/wallet-api.js';
import { dataPaths } from '../services/paths.js';
import { sqliteOpenOptions } from '../services/native/sqlite-binding.js';
import { loadApiCredentials, type SecretStore } from '../services/credentials/index.js';

/** Days of market history the demo platform makes up on its first start. */
const DEMO_BACKFILL_DAYS = 14;
/** Demo billing periods are short so that minting can be watched. */
const DEMO_PERIOD_MS = 10 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
const STREAM_TIMEOUT_MS = 5_000;


export interface PlatformConnection {
  platform_url: string;
  demo: boolean;
  /** Which platform instance and account the ledger follows; a new identity starts a new ledger. */
  identity: string;
  client: PlatformClient | null;
  /** Unsigned client for public market data (works without an API key). */
  public_client: PlatformClient;
  /** Why there is no client (no API key stored for a configured platform). */
  missing_reason: string | null;
  createSync(ledger: Ledger): SyncEngine | null;
  /** The public market-data socket (book, trades, ticker): no key needed. */
  createMarketStream(): PlatformStream;
  status(sync: SyncEngine | null): ConnectionStatus;
  close(): Promise<void>;
}

/** The sync engine's error text, in words for the status bar (the raw text stays in the log). */
/** What the user can do about a sync error, by the platform's (or the client's) code. */
const SYNC_ERROR_WORDS: Readonly<Record<string, (detail: string) => string>> = {
  network_error: (d) => `Cannot reach the platform (${d.replace(/^network error: /, '')}). Retrying…`,
  timeout: () => 'The platform did not answer in time. Retrying…',
  rate_limited: () => 'The platform asked us to slow down. Retrying shortly…',
  server_error: (d) => `The platform had a problem (${d}). Retrying…`,
  invalid_api_key: () => 'The platform does not know this API key. Check the key in Settings.',
  invalid_signature: () => 'The platform refused the API secret (signature mismatch). Re-enter the key and secret in Settings.',
  missing_auth: () => 'The platform wants a signed request and got none. Re-enter the API key in Settings.',
  auth_required: () => 'The platform wants a signed request and got none. Re-enter the API key in Settings.',
  stale_timestamp: () => "This computer's clock is too far from the platform's (requests are refused). Set the clock automatically, then retry.",
  invalid_timestamp: () => "This computer's clock gave a timestamp the platform refused. Set the clock automatically, then retry.",
  invalid_response: (d) => `The platform sent an answer this wallet cannot read (${d}). Retrying; if it persists, the app or the platform needs an update.`,
};

/** A sync error ("code: message") in words for the status bar; unknown codes stay as they are. */
export function describeSyncError(text: string | null): string | null {
  if (text === null) return null;
  const m = /^([a-z_]{1,64}): (.*)$/s.exec(text);
  // Own keys only: "constructor: …" must not find Object.prototype's.
  const words = m && Object.hasOwn(SYNC_ERROR_WORDS, m[1]!) ? SYNC_ERROR_WORDS[m[1]!] : undefined;
  return words ? words(m![2]!.slice(0, 200)) : text;
}

export async function connectPlatform(opts: {
  platform_url: string | null;
  data_dir: string;
  secrets: SecretStore;
  log: Logger;
}): Promise<PlatformConnection> {
  let embedded: RunningPlatform | null = null;
  let base_url: string;
  let credentials: PlatformCredentials | null = null;
  let identity: string;
  let missing_reason: string | null = null;

  if (opts.platform_url === null) {
    const db_path = dataPaths(opts.data_dir).embedded_platform_db;
    const id_path = `${db_path}.id`;
    const first_start = !existsSync(db_path) || !existsSync(id_path);
    // A fresh demo platform is a different platform: its instance id keeps the wallet from
    // mixing its events into a ledger kept for an earlier one.
    if (first_start) writeFileSync(id_path, randomUUID(), { mode: 0o600 });
    embedded = await startPlatform({
      db_path,
      port: 0,
      seed_demo: true,
      simulate: true,
      period_ms: DEMO_PERIOD_MS,
      sqlite_options: sqliteOpenOptions(), // the desktop app's Electron-ABI build, when chosen
      ...(first_start ? { backfill_days: DEMO_BACKFILL_DAYS } : {}),
      on_error: (err, where) => opts.log.error({ err, where }, 'embedded platform error'),
    });
    const demo = embedded.demo_credentials;
    if (!demo) throw new Error('the embedded platform did not create a demo account');
    base_url = embedded.url;
    credentials = { key_id: demo.key_id, secret: demo.secret };
    identity = `demo ${readFileSync(id_path, 'utf8').trim()} ${demo.account_id}`;
  } else {
    base_url = opts.platform_url;
    credentials = await loadApiCredentials(opts.secrets);
    if (!credentials) missing_reason = `No API key stored for ${new URL(base_url).origin}.`;
    identity = `${new URL(base_url).origin} ${credentials?.key_id ?? '(no key)'}`;
  }

  const client = credentials ? new PlatformClient({ base_url, credentials, timeout_ms: REQUEST_TIMEOUT_MS }) : null;
  const demo = embedded !== null;

  return {
    platform_url: base_url,
    demo,
    identity,
    client,
    public_client: new PlatformClient({ base_url, timeout_ms: REQUEST_TIMEOUT_MS }),
    missing_reason,
    createSync: (ledger) =>
      client && credentials
        ? createSyncEngine({
            ledger,
            client,
            stream_factory: () => new PlatformStream({ base_url, credentials: credentials!, channels: ['events'], timeout_ms: STREAM_TIMEOUT_MS }),
            logger: opts.log,
          })
        : null,
    createMarketStream: () => new PlatformStream({ base_url, channels: ['book', 'trades', 'ticker'], timeout_ms: STREAM_TIMEOUT_MS }),
    status: (sync) => {
      const s = sync?.status();
      return {
        state: s?.state ?? 'offline',
        platform_url: base_url,
        demo,
        last_synced_at: s?.last_synced_at ?? null,
        events_behind: s?.events_behind ?? 0,
        last_error: s ? describeSyncError(s.last_error) : missing_reason,
        open_mismatches: s?.open_mismatches ?? 0,
      };
    },
    close: async () => {
      await embedded?.close();
    },
  };
}
