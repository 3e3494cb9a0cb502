// The wallet application, host-agnostic: data folder, secrets, platform connection
// (the embedded demo platform when none is configured), local ledger, sync engine, market
// feed, and the handlers of the wallet API. The desktop shell and browser mode both start
// exactly this and only differ in how they carry the API to the renderer.
import { unlockLedger } from './ledger-key.js';
import { toCanonical } from '../../shared/money.js';
import { ComputeService } from '../services/compute/index.js';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { WalletEventBus } from '../api/events.js';
import type { WalletHandlers } from '../api/dispatch.js';
import type { AppInfo } from '../../shared/contract/wallet-api.js';
import type { SubscriptionView } from '../../shared/contract/compute.js';
import { dataPaths } from '../services/paths.js';
import { lockDataFolder, type DataFolderLock } from '../services/db/lock.js';
import { migrateWalletDb } from '../services/db/migrate-file.js';
import { openLedger } from '../services/ledger/index.js';
import { createSecretStore, type Encryptor } from './secrets.js';
import type { StringEncryptor } from '../services/credentials/index.js';
import { connectPlatform, type PlatformConnection } from './platform-connection.js';
import { BOOK_LEVELS_MAX, MarketFeed } from '../services/market/index.js';
import type { AppliedBatch } from '../services/ledger/index.js';
import { activityEntries, createHandlers, portfolioFrom } from './handlers.js';
import { loadSettings } from './settings.js';
import { PreferencesStore } from './preferences.js';
import { prepareLedgerFile } from './ledger-file.js';
import { TaxService } from './tax-service.js';
import { StrandedWork } from './stranded.js';
import { useDemoPlatform, usePlatform } from './platform-config.js';
import { createOrderService, platformClientTransport } from '../services/orders/index.js';
import { NotificationService, type OrderLike } from '../services/notifications/index.js';
import { InstrumentCache } from './instrument.js';
import type { DesktopHooks } from './handlers-up-front.js';

/** Journal entries pushed per ledger batch at most (a catch-up of thousands: the newest). */
const ACTIVITY_PUSH_MAX = 100;
/** Account events that change the subscription view. */
const COMPUTE_EVENT_TYPES: ReadonlySet<string> = new Set(['period_open', 'usage', 'period_close', 'mint', 'renewal_credit', 'redemption', 'election']);

/** Pushes the subscription view after compute events: one fetch in flight, one more queued at most. */
function computePusher(compute: ComputeService | null, push: (v: SubscriptionView) => void, log: Logger): () => void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    if (!compute) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        push(await compute.subscription());
      } while (again);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'compute view not pushed');
    } finally {
      running = false;
    }
  };
  return () => void run();
}

export interface WalletAppOptions {
  data_dir: string;
  host: 'desktop' | 'browser';
  /** A platform to use instead of the embedded demo platform. */
  platform_url?: string;
  /** The OS keychain (desktop); absent = the encrypted file store. */
  encryptor?: Encryptor;
  /** Linux 'basic_text' safeStorage that earlier versions used as the keychain: secrets it wrote are moved to the file store. */
  legacy_encryptor?: StringEncryptor;
  app_version: string;
  /** Log to stdout as well as the log file (tests keep this off). */
  log_to_stdout?: boolean;
  /** Save dialog and "show in folder": the desktop shell only. */
  desktop?: DesktopHooks;
  /** A passphrase the user chose for the ledger's encryption (else a key kept in the secret store). */
  ledger_passphrase?: string;
}

export interface WalletApp {
  info: AppInfo;
  handlers: WalletHandlers;
  events: WalletEventBus;
  logInternalError: (method: string, err: unknown) => void;
  /** A past report export's file (browser mode serves it for download), or null. */
  reportFile(export_id: string, name: string): { path: string; bytes: number } | null;
  close(): Promise<void>;
}

/** Never let a secret reach a log line, whatever object it hides in. */
export const LOG_REDACT_PATHS = ['secret', '*.secret', '*.*.secret', 'credentials', '*.credentials', 'headers["x-signature"]', '*.headers["x-signature"]', 'token', '*.token'];

function createLogger(logs_dir: string): Logger {
  mkdirSync(logs_dir, { recursive: true, mode: 0o700 });
  return pino(
    { level: 'info', redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } },
    pino.destination({ dest: path.join(logs_dir, 'wallet.log'), mkdir: true, sync: false }),
  );
}

export async function startWalletApp(opts: WalletAppOptions): Promise<WalletApp> {
  // One process per data folder: a second wallet would mark the first one's in-flight orders
  // unknown and send them again. Taken before anything in the folder is read or written.
  const lock = lockDataFolder(opts.data_dir, { host: opts.host, purpose: 'wallet' });
  try {
    return await startLocked(opts, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function startLocked(opts: WalletAppOptions, lock: DataFolderLock): Promise<WalletApp> {
  const paths = dataPaths(opts.data_dir);
  const log = createLogger(paths.logs_dir);
  const secrets = createSecretStore(opts.data_dir, opts.encryptor, opts.legacy_encryptor);
  // The database files are encrypted: their key is found (or made) before any is opened.
  await unlockLedger({ data_dir: opts.data_dir, secrets, passphrase: opts.ledger_passphrase });
  const settings = loadSettings(paths.settings_json);
  const events = new WalletEventBus();

  const conn: PlatformConnection = await connectPlatform({
    platform_url: opts.platform_url ?? settings.platform_url ?? null,
    data_dir: opts.data_dir,
    secrets,
    log,
  });
  const { archived_to } = prepareLedgerFile(paths.ledger_db, conn.identity);
  if (archived_to) log.warn({ archived_to }, 'the ledger followed another platform account; archived it and started a new one');
  // An older ledger file is migrated only after a verified backup (electron/services/db).
  const migrated = await migrateWalletDb(paths.ledger_db);
  if (migrated.backup) log.info(migrated, 'ledger schema migrated after a verified backup');
  const ledger = openLedger({ path: paths.ledger_db, logger: log });

  const info: AppInfo = {
    app_version: opts.app_version,
    host: opts.host,
    data_dir: opts.data_dir,
    secret_store: { kind: secrets.kind, warning: secrets.warning },
  };

  const market = new MarketFeed({
    rest: conn.public_client,
    stream_factory: () => conn.createMarketStream(),
    cache: ledger,
    logger: log,
    sinks: {
      ticker: (ticker) => events.emit('market', { ticker }),
      book: (update) => events.emit('book', update),
      trades: (trades, reset) => events.emit('trades', { trades, reset }),
    },
  });
  const sync = conn.createSync(ledger);
  // Pending redemptions hold their tokens from orders, and orders' holds from redemptions.
  let compute: ComputeService | null = null;
  const held_tokens = () => (compute ? toCanonical(compute.pendingTokens()) : '0');
  const orders = conn.client ? createOrderService({ ledger, transport: platformClientTransport(conn.client), held_tokens, logger: log }) : null;
  compute = conn.client && orders ? new ComputeService({ db: ledger.database(), transport: conn.client, availableTokens: () => orders.available().token.available, logger: log }) : null;
  // Orders and redemptions left in archived ledgers: listed until the user sends or cancels them.
  const stranded = new StrandedWork({ db: ledger.database(), data_dir: opts.data_dir, identity: conn.identity, account_id: () => ledger.accountId(), orders, compute, logger: log });
  stranded.collect();
  const instrument = new InstrumentCache(conn.client, path.join(opts.data_dir, 'instrument.json'), log);
  const notifications = new NotificationService({ db: ledger.database(), initial_cursor_seq: ledger.cursorSeq(), symbol: () => instrument.known()?.base_symbol ?? 'tokens', logger: log });
  notifications.subscribe((p) => events.emit('notification', p));
  const pushStatus = () => {
    const status = conn.status(sync);
    events.emit('status', status);
    if (sync) notifications.syncStatus(status);
    if (status.state === 'online') {
      void instrument.get(); // once per run: the token's name and fees, kept for offline
      market.wake(); // the platform is back: market data need not wait out its own backoff
    }
    // Orders go out only once the sync engine is fully online (caught up, stream live): while it
    // is only retrying ('syncing'), sending would just turn queued orders into unknown ones.
    orders?.setOnline(status.state === 'online');
    compute?.setOnline(status.state === 'online');
  };
  const pushPortfolio = () => events.emit('portfolio', portfolioFrom(ledger, orders));
  orders?.subscribe((change) => {
    if (change.kind === 'status') {
      const paused = change.paused_until_ms !== null ? new Date(change.paused_until_ms).toISOString() : null;
      events.emit('orders', { orders: [], external: [], external_ended: [], sending_paused_until: paused });
      return;
    }
    events.emit('orders', { ...orders.views(change.client_order_ids, change.external_order_ids), sending_paused_until: orders.pausedUntil() });
    notifications.onOrders(change.client_order_ids.flatMap((id): OrderLike[] => { try { return [orders.get(id)]; } catch { return []; } }), conn.status(sync).state === 'online');
    // A change from a ledger batch is followed by the batch's one portfolio push.
    if (!change.from_feed) pushPortfolio();
  });
  // A redemption recorded, settled or refused changes the tokens held: fresh balances.
  compute?.subscribe(pushPortfolio);
  const compute_push = computePusher(compute, (view) => events.emit('compute', view), log);
  // The view pipe: each committed ledger batch is announced once; every view it changes is
  // pushed once, with its payload (the screens never refetch because something changed).
  ledger.onApplied((batch: AppliedBatch) => {
    orders?.onLedgerApplied(batch);
    pushPortfolio();
    const n = Math.min(ACTIVITY_PUSH_MAX, batch.events.length);
    if (n > 0) events.emit('activity', { entries: activityEntries(ledger, n) });
    if (batch.events.some((e) => COMPUTE_EVENT_TYPES.has(e.type))) compute_push();
    notifications.onLedgerApplied(batch);
  });
  // Tax figures live in a worker kept current from the same committed batches (before the
  // sync engine starts, so no batch is missed).
  const tax = new TaxService(
    ledger, paths.settings_json, path.join(opts.data_dir, 'reports'), () => market.latest()?.last ?? null, undefined,
    (err) => log.error({ err }, 'tax worker fault'),
    () => orders?.chosenLots() ?? [],
  );
  tax.subscribe((view) => events.emit('tax', view));
  ledger.onApplied((batch) => tax.onLedgerApplied(batch));
  sync?.onStatus(pushStatus);
  pushStatus();
  sync?.start();
  orders?.start();
  market.start();

  const logInternalError = (method: string, err: unknown) => log.error({ method, err }, 'wallet API internal error');
  const configure = {
    demo: () => useDemoPlatform(opts.data_dir, secrets),
    platform: (url: string, creds: { key_id: string; secret: string }) => usePlatform(opts.data_dir, secrets, url, creds),
  };
  const c = compute;
  const period = c
    ? {
        subscription: () => c.subscription(),
        ticker: () => market.latest(),
        bids: () => market.orderBook(BOOK_LEVELS_MAX)?.bids ?? null,
        restingOrders: () => (orders ? [...orders.list({ states: ['open', 'partially_filled'] }), ...orders.external()] : []),
        instrument: () => instrument.get(),
        mintBasis: () => tax.settings().mint_basis,
      }
    : null;
  const preferences = new PreferencesStore(paths.settings_json, (prefs) => events.emit('preferences', prefs));
  const handlers = createHandlers({ info, ledger, market, tax, orders, compute, stranded, preferences, configure, status: () => conn.status(sync), retryConnection: () => sync?.retryNow() ?? false, up_front: { instrument, notifications, period, desktop: opts.desktop ?? null } });

  log.info({ host: opts.host, platform: conn.platform_url, demo: conn.demo }, 'wallet started');
  return {
    info,
    handlers,
    events,
    logInternalError,
    reportFile: (export_id, name) => {
      try {
        return tax.reportFile(export_id, name);
      } catch {
        return null;
      }
    },
    close: async () => {
      try {
        await market.stop();
        notifications.close();
        compute?.close();
        await orders?.stop();
        await sync?.stop();
        await tax.close();
        ledger.close();
        await conn.close();
        log.info('wallet stopped');
        log.flush();
      } finally {
        lock.release();
      }
    },
  };
}
