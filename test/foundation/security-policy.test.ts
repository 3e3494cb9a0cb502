// Electron's security checklist, asserted without Electron: the values the shell applies
// and the guards it calls are plain data and functions in electron/security/policy.ts.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  APP_ORIGIN,
  ELECTRON_FUSES,
  SECURE_WEB_PREFERENCES,
  contentSecurityPolicy,
  isAllowedExternalUrl,
  isNavigationAllowed,
  isPermissionGranted,
  isTrustedSenderUrl,
  isRealKeychain,
  isRequestAllowed,
  securityHeaders,
  webPreferencesFor,
} from '../../electron/security/policy.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

describe('window webPreferences', () => {
  it('isolate, sandbox and strip Node from the renderer', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
    });
    expect(Object.isFrozen(SECURE_WEB_PREFERENCES)).toBe(true);
  });

  it('DevTools only in development builds', () => {
    expect(webPreferencesFor({ packaged: true })).toEqual({ ...SECURE_WEB_PREFERENCES, devTools: false });
    expect(webPreferencesFor({ packaged: false }).devTools).toBe(true);
    expect(isRequestAllowed('devtools://devtools/bundled/inspector.html', { packaged: true })).toBe(false);
    expect(isRequestAllowed('devtools://devtools/bundled/inspector.html', { packaged: false })).toBe(true);
    expect(isRequestAllowed(`${APP_ORIGIN}/index.html`, { packaged: true })).toBe(true);
    expect(isRequestAllowed('https://evil.example/x', { packaged: false })).toBe(false);
  });

  it('the shell creates its window with exactly these preferences plus the preload', () => {
    const main = read('electron/shell/main.ts');
    expect(main).toMatch(/webPreferences:\s*\{\s*\.\.\.webPreferencesFor\(\{\s*packaged:\s*app\.isPackaged\s*\}\),\s*preload:\s*PRELOAD\s*\}/);
    expect(main).toContain('isRequestAllowed(details.url, { packaged: app.isPackaged })');
    expect(main).not.toContain("startsWith('devtools://')");
    expect(main).not.toMatch(/nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false|webSecurity:\s*false/);
  });
});

describe('content security policy', () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(csp.split(';').map((d) => { const [k, ...v] = d.trim().split(/\s+/); return [k!, v]; }));

  it('allows only our own scripts: no inline, no eval', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/\*|https?:/);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('adds only the given WebSocket origin for browser mode', () => {
    const web = contentSecurityPolicy({ connect_src: ['ws://127.0.0.1:4567'] });
    expect(web).toContain("connect-src 'self' ws://127.0.0.1:4567");
    expect(web).not.toContain('unsafe');
  });

  it('is sent with the other hardening headers', () => {
    const h = securityHeaders(csp);
    expect(h['Content-Security-Policy']).toBe(csp);
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['X-Frame-Options']).toBe('DENY');
  });
});

describe('navigation, windows, permissions, senders', () => {
  it('blocks every navigation', () => {
    for (const u of ['https://example.com', `${APP_ORIGIN}/other`, 'file:///etc/passwd', 'javascript:alert(1)']) {
      expect(isNavigationAllowed(u)).toBe(false);
    }
  });

  it.each([
    ['https://www.irs.gov/forms-pubs/about-form-8949', true],
    ['https://github.com/org/repo', true],
    ['http://www.irs.gov/', false],
    ['https://evil.example.com/', false],
    ['https://www.irs.gov.evil.com/', false],
    ['https://user:pw@www.irs.gov/', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['smb://host/share', false],
    ['not a url', false],
  ])('external link %s allowed: %s', (url, ok) => {
    expect(isAllowedExternalUrl(url)).toBe(ok);
  });

  it('denies every permission request', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'unknown']) expect(isPermissionGranted(p)).toBe(false);
  });

  it.each([
    [`${APP_ORIGIN}/`, true],
    [`${APP_ORIGIN}/index.html`, true],
    ['app://other/', false],
    ['https://wallet/', false],
    ['file:///index.html', false],
    ['', false],
    [undefined, false],
  ])('IPC sender %s trusted: %s', (url, ok) => {
    expect(isTrustedSenderUrl(url)).toBe(ok);
  });

  it('the shell wires each guard', () => {
    const main = read('electron/shell/main.ts');
    for (const needle of [
      "contents.on('will-navigate'",
      "contents.on('will-redirect'",
      "contents.on('will-attach-webview'",
      'setWindowOpenHandler',
      "return { action: 'deny' }",
      'setPermissionRequestHandler',
      'setPermissionCheckHandler',
      'webRequest.onBeforeRequest',
      'registerSchemesAsPrivileged',
      'protocol.handle(APP_SCHEME',
      'resolveStaticPath(RENDERER_DIR',
      'app.enableSandbox()',
    ]) expect(main, needle).toContain(needle);
    expect(main).not.toContain('file://');
    const ipc = read('electron/shell/ipc.ts');
    expect(ipc).toMatch(/if \(!isTrustedSender\(event, getWindow\(\)\)\)/);
    expect(read('electron/shell/preload.ts')).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
  });
});

describe('electron fuses', () => {
  it('packaging flips the fuses the policy lists', () => {
    const yml = parse(read('electron-builder.yml')) as { electronFuses: Record<string, boolean> };
    expect(yml.electronFuses).toEqual({ ...ELECTRON_FUSES });
    expect(ELECTRON_FUSES.runAsNode).toBe(false);
    expect(ELECTRON_FUSES.enableCookieEncryption).toBe(true);
    expect(ELECTRON_FUSES.enableEmbeddedAsarIntegrityValidation).toBe(true);
    expect(ELECTRON_FUSES.onlyLoadAppFromAsar).toBe(true);
  });
});

describe('secrets: only a real keyring is called the OS keychain', () => {
  it.each([
    ['linux', true, 'gnome_libsecret', true],
    ['linux', true, 'kwallet5', true],
    ['linux', true, 'basic_text', false],
    ['linux', true, 'unknown', false],
    ['linux', false, 'gnome_libsecret', false],
    ['darwin', true, null, true],
    ['win32', true, null, true],
    ['win32', false, null, false],
  ] as const)('%s, encryption %s, backend %s: keychain %s', (platform, available, backend, want) => {
    expect(isRealKeychain(platform, available, backend)).toBe(want);
  });

  it('the shell asks for the backend on Linux before choosing the keychain', () => {
    const main = read('electron/shell/main.ts');
    expect(main).toMatch(/const keychain = isRealKeychain\(process\.platform, safeStorage\.isEncryptionAvailable\(\), process\.platform === 'linux' \? safeStorage\.getSelectedStorageBackend\(\) : null\)/);
    expect(main).toContain("encryptor: keychain ? { kind: 'os-keychain', ...safeStorageCrypto } : undefined");
  });
});

describe('files the policy and packaging name', () => {
  it('every scripts/ path mentioned in the shell, the policy, the packaging config and docs exists', () => {
    const sources = ['electron/security/policy.ts', 'electron/shell/main.ts', 'electron-builder.yml', 'docs/SECURITY.md', 'docs/ARCHITECTURE.md'];
    for (const f of sources) {
      for (const m of read(f).matchAll(/\bscripts\/([\w.-]+)/g)) {
        const name = m[1]!;
        const found = ['', '.ts', '.mjs', '.js', '.cjs'].some((ext) => existsSync(path.join(ROOT, 'scripts', name + ext)));
        expect(found, `${f} names scripts/${name}`).toBe(true);
      }
    }
  });
});
