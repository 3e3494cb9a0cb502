import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { resolveStaticPath } from '../../electron/security/static-path.js';

const ROOT = path.resolve('/srv/renderer');

describe('static path guard (app:// and browser mode)', () => {
  it.each([
    ['/', 'index.html'],
    ['/index.html', 'index.html'],
    ['/assets/index-abc.js', 'assets/index-abc.js'],
    ['/assets/a%20b.css', 'assets/a b.css'],
    ['/assets/x.js?v=1', 'assets/x.js'],
  ])('%s → %s', (url, rel) => {
    expect(resolveStaticPath(ROOT, url)).toBe(path.join(ROOT, rel));
  });

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%2f..%2fetc%2fpasswd',
    '/assets\\..\\..\\secret',
    '/%00index.html',
    '/%E0%A4%A',
    '/' + 'a'.repeat(2000),
  ])('refuses %s', (url) => {
    expect(resolveStaticPath(ROOT, url)).toBeNull();
  });

  it('an absolute path inside the URL stays inside the root', () => {
    expect(resolveStaticPath(ROOT, '//etc/passwd')).toBe(path.join(ROOT, 'etc/passwd'));
  });
});
