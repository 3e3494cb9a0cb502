// Maps a URL path to a file inside the built renderer folder, or null. Used by both the
// app:// protocol handler (desktop) and the browser-mode server. Stops path traversal
// (../, %2e%2e, backslashes, absolute paths, NUL bytes) from reading any other file.
import path from 'node:path';

/** Bound on URL path length we are willing to resolve. */
const URL_PATH_MAX_CHARS = 1024;

export function resolveStaticPath(root_dir: string, url_path: string): string | null {
  if (url_path.length > URL_PATH_MAX_CHARS) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url_path.split('?')[0]!.split('#')[0]!);
  } catch {
    return null; // malformed percent-encoding
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = path.resolve(root_dir);
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  return full;
}

/** Client-side routes (no file extension) all load the single page; files load themselves. */
export function staticTarget(url_path: string): string {
  return /\.[a-z0-9]+$/i.test(url_path) ? url_path : '/';
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.pdf': 'application/pdf',
  '.csv': 'text/csv; charset=utf-8',
  '.txf': 'text/plain; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
