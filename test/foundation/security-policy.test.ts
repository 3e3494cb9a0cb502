// Electron's security checklist, asserted without Electron: the values the shell applies
// and the guards it calls are plain data and functions in electron/security/policy.ts.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
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
  securityHeaders,
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

  it('the shell creates its window with exactly these preferences plus the preload', () => {
    const main = read('electron/shell/main.ts');
    expect(main).toMatch(/webPreferences:\s*\{\s*\.\.\.SECURE_WEB_PREFERENCES,\s*preload:\s*PRELOAD\s*\}/);
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
