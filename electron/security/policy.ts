// Security policy of the desktop shell, as plain data and pure functions so that unit tests
// can assert it without Electron. electron/shell/ applies exactly these values.
// Source: Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security).

/** The custom scheme the renderer is served from (instead of file://, which would grant
 *  the page read access to the whole file system and a shared origin with every local file). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'wallet';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** BrowserWindow webPreferences. Each line closes a door a compromised renderer could use. */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true, // preload and page do not share JS globals (no prototype pollution of our bridge)
  sandbox: true, // the renderer process runs in Chromium's OS sandbox
  nodeIntegration: false, // page scripts get no require()/process
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false, // <webview> could load arbitrary content with its own preferences
  webSecurity: true, // same-origin policy stays on
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  enableBlinkFeatures: '',
  spellcheck: false, // spellcheck would send typed text to a dictionary service
  navigateOnDragDrop: false, // dropping a file must not navigate the window to it
  safeDialogs: true,
});

/** The window's preferences: DevTools only in development builds (a packaged app has none,
 *  so nobody at the keyboard or a script driving it can open a console inside the wallet). */
export function webPreferencesFor(opts: { packaged: boolean }) {
  return Object.freeze({ ...SECURE_WEB_PREFERENCES, devTools: !opts.packaged });
}

/** Requests the session lets through: our own files, and DevTools' own pages in development only. */
export function isRequestAllowed(url: string, opts: { packaged: boolean }): boolean {
  return url.startsWith(`${APP_ORIGIN}/`) || (!opts.packaged && url.startsWith('devtools://'));
}

/**
 * Whether Electron's safeStorage really is an OS keychain. On Linux without a keyring it
 * falls back to 'basic_text' (a password hard-coded in Chromium: obfuscation, not
 * protection) or finds none ('unknown'); then the wallet uses its key-file store with its
 * visible warning instead of calling that the OS keychain.
 */
export function isRealKeychain(platform: NodeJS.Platform, encryption_available: boolean, linux_backend: string | null): boolean {
  if (!encryption_available) return false;
  if (platform !== 'linux') return true;
  return linux_backend !== null && !NOT_A_KEYRING.has(linux_backend);
}
export const NOT_A_KEYRING: ReadonlySet<string> = new Set(['basic_text', 'unknown']);

export interface CspOptions {
  /** Extra sources for connect-src (browser mode's WebSocket URL). */
  connect_src?: string[];
}

/** Strict CSP: no inline script, no eval, nothing from outside our own origin. */
export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const connect = ["'self'", ...(opts.connect_src ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
  ].join('; ');
}

/** Response headers both hosts add to every page and asset. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
  };
}

/** External links the app may open in the user's browser: https only, listed hosts only. */
export const EXTERNAL_HOST_ALLOWLIST: readonly string[] = Object.freeze([
  'www.irs.gov',
  'github.com',
]);

export function isAllowedExternalUrl(raw: string, allowlist: readonly string[] = EXTERNAL_HOST_ALLOWLIST): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  // Stops javascript:, file:, smb: (NTLM leak) and http: (downgrade) links.
  if (url.protocol !== 'https:') return false;
  if (url.username || url.password) return false; // https://trusted.com@evil.com tricks
  return allowlist.includes(url.hostname.toLowerCase());
}

/** The only document origin that may call the wallet API over IPC. A frame that navigated
 *  elsewhere (or an injected iframe) is refused even if it somehow got our preload. */
export function isTrustedSenderUrl(raw: string | undefined | null): boolean {
  if (!raw) return false;
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Navigation is never allowed: the app is a single page. Returning false means "block". */
export function isNavigationAllowed(_targetUrl: string): boolean {
  return false;
}

/** Permission requests (camera, notifications, geolocation, ...) are all denied. */
export function isPermissionGranted(_permission: string): boolean {
  return false;
}

/** Electron fuses flipped at packaging by electron-builder's `electronFuses` (electron-builder.yml; a test keeps both equal). */
export const ELECTRON_FUSES = Object.freeze({
  runAsNode: false, // ELECTRON_RUN_AS_NODE would turn the signed app into a generic Node runtime
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS could inject code at start-up
  enableNodeCliInspectArguments: false, // --inspect would open a debugger port
  enableEmbeddedAsarIntegrityValidation: true, // a tampered app.asar refuses to load
  onlyLoadAppFromAsar: true, // no loose app/ folder next to the asar can take over
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false, // we use app://, file:// gets nothing extra
});
