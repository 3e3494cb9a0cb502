// The wallet's SQLite files encrypted at rest (issue 13 item 5): a new ledger is encrypted, a
// plain one from an earlier version is encrypted after a verified backup, a wrong key and a
// damaged file are different errors that name the file, and nothing is changed by either.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { useWalletDbKey } from '../../electron/services/db/cipher.js';
import { migrateWalletDb } from '../../electron/services/db/migrate-file.js';
import { checkBackup } from '../../electron/services/db/backup.js';
import { WalletFileError } from '../../electron/services/db/file.js';
import { integrityProblems, openWalletDb, openWalletDbReadOnly } from '../../electron/services/db/open.js';
import { LATEST_VERSION } from '../../electron/services/db/migrations.js';
import { openLedger } from '../../electron/services/ledger/index.js';
import { FileSecretStore } from '../../electron/services/credentials/index.js';
import { LEDGER_KEY_RECORD, LEDGER_KEY_SECRET, unlockLedger } from '../../electron/app/ledger-key.js';
import { tempDir } from '../ledger/helpers.js';
import { buildFixture, POSTINGS_SQL } from './fixtures.js';

const MAGIC = 'SQLite format 3\0';
const head = (file: string) => readFileSync(file).subarray(0, 16).toString('latin1');
const KEY = Buffer.alloc(32, 7);
const dirs: string[] = [];

function folder(): string {
  const dir = tempDir('cw-crypt-');
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) useWalletDbKey(d, undefined);
});

const readPostings = (file: string) => {
  const ro = openWalletDbReadOnly(file);
  try {
    return ro.db.prepare(POSTINGS_SQL).safeIntegers(true).all();
  } finally {
    ro.close();
  }
};

describe('the ledger file is encrypted at rest', () => {
  it('a new ledger in a keyed folder has no SQLite header and plain SQLite cannot read it', () => {
    const dir = folder();
    useWalletDbKey(dir, KEY);
    const file = path.join(dir, 'ledger.db');
    openLedger({ path: file }).close();
    expect(head(file)).not.toBe(MAGIC);
    const plain = new Database(file, { readonly: true });
    expect(() => plain.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(/not a database/);
    plain.close();
    const db = openWalletDb(file); // the wallet, with the key
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    db.close();
  });

  it('a plain ledger from an earlier version is encrypted after a verified backup, then migrated, with all its rows', async () => {
    const dir = folder();
    const file = path.join(dir, 'ledger.db');
    const { postings } = buildFixture(file, { ledger: 5, events: 300, seed: 3, outbox: 3, compute: true });
    expect(head(file)).toBe(MAGIC);
    useWalletDbKey(dir, KEY);
    expect(() => openWalletDb(file)).toThrow(/not encrypted yet/);
    const out = await migrateWalletDb(file, { now: () => new Date('2026-03-04T05:06:07Z') });
    expect(out).toMatchObject({ from: 5, to: LATEST_VERSION });
    expect(head(file)).not.toBe(MAGIC);
    expect(readPostings(file)).toEqual(postings);
    const backups = readdirSync(path.join(dir, 'backups')).filter((f) => f.endsWith('.db')).sort();
    // The encryption's backup and the schema migration's: both encrypted, both at version 5.
    expect(backups).toEqual(['ledger-v5-2026-03-04T05-06-07-000Z-encrypted.db', 'ledger-v5-2026-03-04T05-06-07-000Z.db']);
    for (const b of backups) {
      expect(head(path.join(dir, 'backups', b))).not.toBe(MAGIC);
      checkBackup(path.join(dir, 'backups', b), 5);
      expect(readPostings(path.join(dir, 'backups', b))).toEqual(postings);
    }
    expect(readdirSync(dir).filter((f) => f.includes('.encrypting'))).toEqual([]);
    const ledger = openLedger({ path: file });
    expect(ledger.verify().ok).toBe(true);
    ledger.close();
  });

  it('a failure while encrypting leaves the plain file exactly as it was, and no copy behind (a file at the latest schema: encrypting is the only step)', async () => {
    const dir = folder();
    const file = path.join(dir, 'ledger.db');
    buildFixture(file, { ledger: LATEST_VERSION, events: 50, seed: 4 });
    const before = readFileSync(file);
    useWalletDbKey(dir, KEY);
    const fault = (p: string) => {
      if (p === 'encrypted_copy') throw new Error('disk full (simulated)');
    };
    await expect(migrateWalletDb(file, { fault })).rejects.toThrow(/disk full/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.encrypting'))).toEqual([]);
    expect((await migrateWalletDb(file)).backup).toMatch(/-encrypted\.db$/); // the next start encrypts it
    expect(head(file)).not.toBe(MAGIC);
  });

  it('a damaged encrypted file is a "corrupt" error naming it (the key is right), and its bytes are unchanged', () => {
    const dir = folder();
    useWalletDbKey(dir, KEY);
    const file = path.join(dir, 'ledger.db');
    openLedger({ path: file }).close();
    const bytes = readFileSync(file);
    bytes[200] = (bytes[200]! + 1) % 256; // page 1: its HMAC no longer matches
    writeFileSync(file, bytes);
    for (const open of [() => openWalletDb(file).close(), () => openWalletDbReadOnly(file).close()]) {
      let err: unknown;
      try {
        open();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WalletFileError);
      expect((err as WalletFileError).problem).toBe('corrupt');
      expect((err as Error).message).toContain(file);
    }
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('damage to a later page is listed by integrity_check (what verify runs)', () => {
    const dir = folder();
    useWalletDbKey(dir, KEY);
    const file = path.join(dir, 'ledger.db');
    openLedger({ path: file }).close();
    const bytes = readFileSync(file);
    bytes[16384 + 200] = (bytes[16384 + 200]! + 1) % 256;
    writeFileSync(file, bytes);
    const ro = openWalletDbReadOnly(file);
    try {
      let problems: string[];
      try {
        problems = integrityProblems(ro.db, 5);
      } catch (e) {
        problems = [String(e)];
      }
      expect(problems).not.toEqual([]);
    } finally {
      ro.close();
    }
  });
});

describe('the ledger key', () => {
  function stores() {
    const dir = folder();
    const key_dir = tempDir('cw-crypt-keys-');
    const store = () => new FileSecretStore({ secrets_file: path.join(dir, 'credentials.enc'), key_file: path.join(key_dir, 'credentials.key') });
    return { dir, key_dir, store };
  }

  it('by default a random key kept in the secret store (key file apart, 0600), found again next time', async () => {
    const { dir, key_dir, store } = stores();
    const s = store();
    expect(await unlockLedger({ data_dir: dir, secrets: s })).toEqual({ source: 'stored', store_kind: 'file' });
    expect(s.warning).toMatch(/ledger's encryption key/);
    const file = path.join(dir, 'ledger.db');
    openLedger({ path: file }).close();
    expect(head(file)).not.toBe(MAGIC);
    const record = readFileSync(path.join(dir, LEDGER_KEY_RECORD), 'utf8');
    const hex = (await s.get(LEDGER_KEY_SECRET))!;
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(record).not.toContain(hex); // the record holds a check value, never the key
    expect(readFileSync(path.join(dir, 'credentials.enc'), 'utf8')).not.toContain(hex);
    expect(statSync(path.join(dir, LEDGER_KEY_RECORD)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(key_dir, 'credentials.key')).mode & 0o777).toBe(0o600);
    useWalletDbKey(dir, undefined);
    await unlockLedger({ data_dir: dir, secrets: store() });
    openWalletDb(file).close(); // the same key again
  });

  it('a replaced key file is "wrong_key" naming the ledger, distinct from a damaged file; nothing changes', async () => {
    const { dir, key_dir, store } = stores();
    await unlockLedger({ data_dir: dir, secrets: store() });
    const file = path.join(dir, 'ledger.db');
    openLedger({ path: file }).close();
    const bytes = readFileSync(file);
    writeFileSync(path.join(key_dir, 'credentials.key'), Buffer.alloc(32, 9), { mode: 0o600 });
    useWalletDbKey(dir, undefined);
    const err = await unlockLedger({ data_dir: dir, secrets: store() }).catch((e: unknown) => e);
    // The secret store itself notices first (AES-GCM tag): no key is guessed, nothing is made.
    expect(err).toBeInstanceOf(Error);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('a stored key that is not the file\'s is "wrong_key" (not "corrupt")', async () => {
    const { dir, store } = stores();
    const s = store();
    await unlockLedger({ data_dir: dir, secrets: s });
    await s.set(LEDGER_KEY_SECRET, '11'.repeat(32));
    const err = (await unlockLedger({ data_dir: dir, secrets: s }).catch((e: unknown) => e)) as WalletFileError;
    expect(err).toBeInstanceOf(WalletFileError);
    expect(err.problem).toBe('wrong_key');
    expect(err.message).toContain(path.join(dir, 'ledger.db'));
  });

  it('a passphrase the user chose instead: scrypt, nothing stored; a wrong or missing one is refused', async () => {
    const { dir, store } = stores();
    const s = store();
    expect(await unlockLedger({ data_dir: dir, secrets: s, passphrase: 'correct horse battery' })).toEqual({ source: 'passphrase', store_kind: 'file' });
    expect(await s.get(LEDGER_KEY_SECRET)).toBeNull();
    const record = JSON.parse(readFileSync(path.join(dir, LEDGER_KEY_RECORD), 'utf8')) as { scrypt: { N: number; r: number; p: number } };
    expect(record.scrypt).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
    const file = path.join(dir, 'ledger.db');
    openLedger({ path: file }).close();
    useWalletDbKey(dir, undefined);
    const wrong = (await unlockLedger({ data_dir: dir, secrets: s, passphrase: 'wrong horse battery' }).catch((e: unknown) => e)) as WalletFileError;
    expect(wrong.problem).toBe('wrong_key');
    expect(wrong.message).toContain(file);
    const missing = (await unlockLedger({ data_dir: dir, secrets: s }).catch((e: unknown) => e)) as WalletFileError;
    expect(missing.problem).toBe('key_missing');
    expect(missing.message).toMatch(/WALLET_LEDGER_PASSPHRASE/);
    await unlockLedger({ data_dir: dir, secrets: s, passphrase: 'correct horse battery' });
    openWalletDb(file).close();
    await expect(unlockLedger({ data_dir: folder(), secrets: store(), passphrase: 'short' })).rejects.toThrow(/8\.\.1024 characters/);
  });

  it('an encrypted ledger whose key record is lost is "key_missing"; no new key is made', async () => {
    const { dir, store } = stores();
    await unlockLedger({ data_dir: dir, secrets: store() });
    openLedger({ path: path.join(dir, 'ledger.db') }).close();
    writeFileSync(path.join(dir, LEDGER_KEY_RECORD + '.gone'), '');
    const { rmSync } = await import('node:fs');
    rmSync(path.join(dir, LEDGER_KEY_RECORD));
    useWalletDbKey(dir, undefined);
    const err = (await unlockLedger({ data_dir: dir, secrets: store() }).catch((e: unknown) => e)) as WalletFileError;
    expect(err.problem).toBe('key_missing');
    expect(existsSync(path.join(dir, LEDGER_KEY_RECORD))).toBe(false);
  });
});
