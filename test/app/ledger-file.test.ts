import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareLedgerFile } from '../../electron/app/ledger-file.js';
import { loadSettings, saveSettings } from '../../electron/app/settings.js';

describe('ledger file identity', () => {
  it('keeps the ledger for the same platform account and archives it for another', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-lf-'));
    const db = path.join(dir, 'ledger.db');
    expect(prepareLedgerFile(db, 'A')).toEqual({ archived_to: null });
    writeFileSync(db, 'ledger of A');
    writeFileSync(`${db}-wal`, 'wal of A');
    expect(prepareLedgerFile(db, 'A')).toEqual({ archived_to: null });
    expect(readFileSync(db, 'utf8')).toBe('ledger of A');
    const { archived_to } = prepareLedgerFile(db, 'B', new Date('2026-01-02T03:04:05.000Z'));
    expect(archived_to).toBe(path.join(dir, 'ledger-archived-2026-01-02T03-04-05-000Z.db'));
    expect(existsSync(db)).toBe(false);
    expect(readFileSync(archived_to!, 'utf8')).toBe('ledger of A');
    expect(readFileSync(`${archived_to}-wal`, 'utf8')).toBe('wal of A');
    expect(readFileSync(`${db}.identity`, 'utf8')).toBe('B');
  });
});

describe('settings file', () => {
  it('round-trips and refuses damaged or unknown settings with a clear error', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-set-'));
    const file = path.join(dir, 'sub', 'settings.json');
    expect(loadSettings(file)).toEqual({});
    saveSettings(file, { platform_url: 'https://platform.example/' });
    expect(loadSettings(file)).toEqual({ platform_url: 'https://platform.example/' });
    writeFileSync(file, '{ nope');
    expect(() => loadSettings(file)).toThrow(/not valid JSON/);
    writeFileSync(file, JSON.stringify({ platform_url: 'ftp://x' }));
    expect(() => loadSettings(file)).toThrow(/platform_url/);
    writeFileSync(file, JSON.stringify({ colour: 'red' }));
    expect(() => loadSettings(file)).toThrow(/colour|Unrecognized/i);
    expect(() => saveSettings(file, { platform_url: 'javascript:alert(1)' })).toThrow();
  });
});

describe('sync errors in words', () => {
  it.each([
    ['network_error: network error: fetch failed', 'Cannot reach the platform (fetch failed). Retrying…'],
    ['timeout: request timed out after 10000 ms', 'The platform did not answer in time. Retrying…'],
    ['server_error: HTTP 503', 'The platform had a problem (HTTP 503). Retrying…'],
    ['rate_limited: slow down', 'The platform asked us to slow down. Retrying shortly…'],
    ['invalid_api_key: unknown API key', 'The platform does not know this API key. Check the key in Settings.'],
    ['invalid_signature: signature does not match the request', 'The platform refused the API secret (signature mismatch). Re-enter the key and secret in Settings.'],
    ['stale_timestamp: X-Timestamp is more than 30 s from the server clock', "This computer's clock is too far from the platform's (requests are refused). Set the clock automatically, then retry."],
    ['invalid_response: response does not match the schema: bad seq', 'The platform sent an answer this wallet cannot read (response does not match the schema: bad seq). Retrying; if it persists, the app or the platform needs an update.'],
    // Codes without words stay as they are (the raw text is what support needs).
    ['account_closed: the account is closed', 'account_closed: the account is closed'],
    ['not a coded error', 'not a coded error'],
    // Never an object key lookup on arbitrary text.
    ['constructor: x', 'constructor: x'],
  ])('%s', async (raw, shown) => {
    const { describeSyncError } = await import('../../electron/app/platform-connection.js');
    expect(describeSyncError(raw)).toBe(shown);
    expect(describeSyncError(null)).toBeNull();
  });
});
