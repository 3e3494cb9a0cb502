// The Electron main process: a thin shell. Everything that is not window management,
// the app:// protocol, IPC registration or the OS keychain lives in plain Node modules
// (electron/app, electron/services) that tests run without Electron.
import { ledgerPassphraseFromEnv } from '../app/ledger-key.js';
import { app, BrowserWindow, dialog, Notification, protocol, safeStorage, session, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWalletApp, type WalletApp } from '../app/wallet-app.js';
import { parseAppArgs } from '../app/args.js';
import { registerWalletIpc } from './ipc.js';
import { setUpSqliteBinding, SqliteBindingError } from '../services/native/electron-build.js';
import type { NotificationPushed } from '../../shared/contract/notifications.js';
import {
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  contentSecurityPolicy,
  isAllowedExternalUrl,
  isNavigationAllowed,
  isPermissionGranted,
  isRealKeychain,
  isRequestAllowed,
  securityHeaders,
  webPreferencesFor,
} from '../security/policy.js';
import { mimeType, resolveStaticPath, staticTarget } from '../security/static-path.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/electron
const RENDERER_DIR = path.join(here, '..', 'renderer');
const PRELOAD = path.join(here, 'preload.cjs');
/** The project folder when run from source (`npm start`): its Electron build of SQLite lives there. */
const PROJECT_ROOT = path.join(here, '..', '..');
/** The icon system notifications carry (packaged with the app, see electron-builder.yml `files`). */
const NOTIFICATION_ICON = path.join(here, '..', '..', 'assets', 'notification.png');

// app:// must be registered before 'ready'. standard+secure gives it a real origin and a
// secure context; no CORS, no fetch API, no service workers: it only serves our files.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, allowServiceWorkers: false } },
]);
app.enableSandbox(); // every renderer sandboxed, even ones we did not create ourselves

let mainWindow: BrowserWindow | null = null;
let wallet: WalletApp | null = null;

function serveAppProtocol(): void {
  const headers = securityHeaders(contentSecurityPolicy());
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const target = staticTarget(url.pathname);
    const file = resolveStaticPath(RENDERER_DIR, target); // path-traversal guard
    if (!file) return new Response('bad path', { status: 400 });
    try {
      return new Response(await readFile(file), { headers: { ...headers, 'Content-Type': mimeType(file) } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionGranted(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => isPermissionGranted(permission));
  // Request allowlist: the renderer may load only our own app:// files (and devtools).
  // Any http(s) request from the page, e.g. by an injected script exfiltrating data, is cancelled.
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isRequestAllowed(details.url, { packaged: app.isPackaged }) });
  });
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (e, url) => { if (!isNavigationAllowed(url)) e.preventDefault(); });
  contents.on('will-redirect', (e, url) => { if (!isNavigationAllowed(url)) e.preventDefault(); });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: '#0c1015',
    title: 'Compute Wallet',
    webPreferences: { ...webPreferencesFor({ packaged: app.isPackaged }), preload: PRELOAD },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/`);
  return win;
}

/** Points every database this process opens at the SQLite build for Electron's ABI, and says
 *  which one it loaded (or, with the reason, why none could be). */
function chooseSqliteBinding(): void {
  const line = setUpSqliteBinding({
    root: PROJECT_ROOT,
    packaged: app.isPackaged,
    runtime: { abi: process.versions.modules, electron_version: process.versions.electron, platform: process.platform, arch: process.arch },
  });
  console.log(line);
}

async function main(): Promise<void> {
  const args = parseAppArgs(process.argv.slice(app.isPackaged ? 1 : 2));
  await app.whenReady(); // before: on Linux an error box shown earlier goes to stderr only
  chooseSqliteBinding();
  serveAppProtocol();
  lockDownSession();
  const keychain = isRealKeychain(process.platform, safeStorage.isEncryptionAvailable(), process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null);
  const safeStorageCrypto = { encryptString: (s: string) => safeStorage.encryptString(s), decryptString: (b: Buffer) => safeStorage.decryptString(b) };
  wallet = await startWalletApp({
    data_dir: args.data_dir ?? app.getPath('userData'),
    host: 'desktop',
    platform_url: args.platform_url,
    ...ledgerPassphraseFromEnv(),
    // The OS keychain (Keychain, DPAPI, libsecret/kwallet) protects the API secret at rest;
    // Linux's 'basic_text' fallback is no keychain: the key-file store (with its warning) then,
    // taking over what an earlier version stored with basic_text.
    encryptor: keychain ? { kind: 'os-keychain', ...safeStorageCrypto } : undefined,
    legacy_encryptor: !keychain && safeStorage.isEncryptionAvailable() ? safeStorageCrypto : undefined,
    app_version: app.getVersion(),
    desktop: {
      // The save dialog asks before replacing an existing file; canceled = null.
      askSavePath: async (suggested_name) => {
        const r = mainWindow
          ? await dialog.showSaveDialog(mainWindow, { defaultPath: path.join(app.getPath('downloads'), suggested_name) })
          : await dialog.showSaveDialog({ defaultPath: path.join(app.getPath('downloads'), suggested_name) });
        return r.canceled || !r.filePath ? null : r.filePath;
      },
      showInFolder: (file_path) => shell.showItemInFolder(file_path),
    },
  });
  showSystemNotifications(wallet);
  registerWalletIpc(wallet.handlers, wallet.events, () => mainWindow, wallet.logInternalError);
  mainWindow = createWindow();
  mainWindow.on('closed', () => { mainWindow = null; });
}

/** Notifications the user wants as system notifications (per-kind setting), through the OS. */
function showSystemNotifications(w: WalletApp): void {
  const shown = new Set<number>(); // the event bus replays its last event to late subscribers
  w.events.subscribe((name, payload) => {
    if (name !== 'notification' || !Notification.isSupported()) return;
    const p = payload as NotificationPushed; // validated by the event bus
    if (!p.system || shown.has(p.notification.id)) return;
    shown.add(p.notification.id);
    const n = new Notification({ title: p.notification.title, body: p.notification.body, icon: NOTIFICATION_ICON });
    n.on('click', () => mainWindow?.show());
    n.show();
  });
}

app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => { void wallet?.close(); });

// One desktop instance per user (Electron's lock); a second launch focuses the running
// window and exits. The data folder lock (startWalletApp) also refuses any other process
// on the same folder, e.g. browser mode or a second instance started with another profile.
if (!app.requestSingleInstanceLock()) {
  console.error('Compute Wallet is already running; focusing its window.');
  app.exit(1);
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  main().catch((err: unknown) => {
    console.error('Compute Wallet failed to start:', err instanceof SqliteBindingError ? err.message : err);
    // The user started the app from a launcher: say why it stops (a missing native build and
    // how to prepare it, which process holds the folder...), in a window too.
    const title = err instanceof SqliteBindingError ? 'Compute Wallet cannot open its database' : 'Compute Wallet could not start';
    if (app.isReady()) dialog.showErrorBox(title, err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
