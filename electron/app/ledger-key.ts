// The key of the wallet's database files (electron/services/db/cipher.ts), per data folder.
// By default a random 256-bit key kept in the secret store: the OS keychain (safeStorage) where
// the desktop has a real one, else the key file kept outside the data folder (0600, with the
// store's visible warning), so the first run needs no step. Or, chosen by the user, derived
// from a passphrase with scrypt (node:crypto; N = 2^17, r = 8, p = 1: 128 MiB and about half a
// second per start, a fresh 16-byte salt per folder) and stored nowhere.
// `DATA_DIR/ledger-key.json` records which, the scrypt salt and parameters, and a check value
// (HMAC of a fixed label) that tells a wrong key from a damaged file. The key is never logged.
import { randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DB_KEY_BYTES, keyCheckValue, useWalletDbKey } from '../services/db/cipher.js';
import { WalletFileError } from '../services/db/file.js';
import { openDefaultFileSecretStore, writePrivateFile, type SecretStore } from '../services/credentials/index.js';
import { dataPaths } from '../services/paths.js';

export const LEDGER_KEY_SECRET = 'ledger.db_key';
export const LEDGER_KEY_RECORD = 'ledger-key.json';
/** Where a passphrase comes from (an environment variable: a command-line flag would show in `ps`). */
export const PASSPHRASE_ENV = 'WALLET_LEDGER_PASSPHRASE';
export const PASSPHRASE_CHARS_MIN = 8;
export const PASSPHRASE_CHARS_MAX = 1024;
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const SCRYPT_MAXMEM_BYTES = 256 * 1024 * 1024;
const SALT_BYTES = 16;
const RECORD_MAX_BYTES = 16 * 1024;

const Hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const KeyRecord = z.discriminatedUnion('source', [
  z.strictObject({ version: z.literal(1), source: z.literal('stored'), store: z.enum(['os-keychain', 'file']), check: Hex(32) }),
  z.strictObject({
    version: z.literal(1),
    source: z.literal('passphrase'),
    check: Hex(32),
    scrypt: z.strictObject({ salt: Hex(SALT_BYTES), N: z.number().int().min(2 ** 14).max(2 ** 22), r: z.number().int().min(1).max(32), p: z.number().int().min(1).max(16) }),
  }),
]);
type KeyRecord = z.infer<typeof KeyRecord>;

export interface LedgerKey {
  source: 'stored' | 'passphrase';
  /** Where a stored key is: the secret store's kind ('os-keychain' or 'file'). */
  store_kind: SecretStore['kind'];
}

/** `{ ledger_passphrase }` from WALLET_LEDGER_PASSPHRASE when it is set (for startWalletApp). */
export function ledgerPassphraseFromEnv(env: NodeJS.ProcessEnv = process.env): { ledger_passphrase?: string } {
  const v = env[PASSPHRASE_ENV];
  return v === undefined || v === '' ? {} : { ledger_passphrase: v };
}

function scrypt(passphrase: string, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: p.N, r: p.r, p: p.p, maxmem: SCRYPT_MAXMEM_BYTES };
  return new Promise((resolve, reject) => scryptCb(passphrase.normalize('NFC'), salt, DB_KEY_BYTES, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

function checkPassphrase(passphrase: string): void {
  if (passphrase.length < PASSPHRASE_CHARS_MIN || passphrase.length > PASSPHRASE_CHARS_MAX) {
    throw new RangeError(`the ledger passphrase must be ${PASSPHRASE_CHARS_MIN}..${PASSPHRASE_CHARS_MAX} characters`);
  }
}

function readRecord(file: string): KeyRecord | null {
  let text: string;
  try {
    if (fs.statSync(file).size > RECORD_MAX_BYTES) throw new WalletFileError(file, 'corrupt', 'the ledger key record is too large; it was not changed');
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: ReturnType<typeof KeyRecord.safeParse> | null = null;
  try {
    parsed = KeyRecord.safeParse(JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) throw new WalletFileError(file, 'corrupt', 'the ledger key record is damaged; it was not changed. Restore it from a backup of the data folder.');
  return parsed.data;
}

/** Whether `file` exists without a plain SQLite header (so it is encrypted, or not SQLite). */
function looksEncrypted(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const head = Buffer.alloc(16);
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readSync(fd, head, 0, 16, 0) === 16 && head.toString('latin1') !== 'SQLite format 3\0';
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Finds (or, on a folder's first encrypted run, makes) the key of `data_dir`'s database files
 * and sets it for this process (useWalletDbKey). A wrong passphrase or a replaced key is a
 * WalletFileError `wrong_key` naming the ledger; a lost key is `key_missing`. Nothing changes.
 */
export async function unlockLedger(opts: {
  data_dir: string;
  secrets: SecretStore;
  passphrase?: string | undefined;
  /** false for read-only commands: a folder without a key stays plain (returns null). */
  create?: boolean;
}): Promise<LedgerKey | null> {
  const ledger = dataPaths(opts.data_dir).ledger_db;
  const record_file = path.join(opts.data_dir, LEDGER_KEY_RECORD);
  const record = readRecord(record_file);
  const info = (source: LedgerKey['source']): LedgerKey => ({ source, store_kind: opts.secrets.kind });
  if (record?.source === 'passphrase') {
    if (opts.passphrase === undefined) {
      throw new WalletFileError(ledger, 'key_missing', `the file is encrypted with a passphrase: set ${PASSPHRASE_ENV} to it (see ${record_file}); nothing was changed`);
    }
    const key = await scrypt(opts.passphrase, Buffer.from(record.scrypt.salt, 'hex'), record.scrypt);
    if (keyCheckValue(key) !== record.check) throw new WalletFileError(ledger, 'wrong_key', 'the passphrase is not the one this file was encrypted with; nothing was changed');
    useWalletDbKey(opts.data_dir, key);
    return info('passphrase');
  }
  if (record?.source === 'stored') {
    if (opts.passphrase !== undefined) {
      throw new WalletFileError(ledger, 'wrong_key', `the file is encrypted with a key kept in the ${opts.secrets.kind === 'os-keychain' ? 'OS keychain' : 'key file'}, not a passphrase: unset ${PASSPHRASE_ENV}; nothing was changed`);
    }
    if (record.store !== opts.secrets.kind) {
      throw new WalletFileError(ledger, 'key_missing', `the file's key is in the ${record.store === 'os-keychain' ? 'OS keychain, which only the desktop app reaches: open it there' : 'key file store, but this process uses the OS keychain'}; nothing was changed`);
    }
    const hex = await opts.secrets.get(LEDGER_KEY_SECRET).catch((err: unknown) => {
      throw new WalletFileError(ledger, 'wrong_key', `its key cannot be read from the ${opts.secrets.kind === 'os-keychain' ? 'OS keychain' : 'key file store'} (${err instanceof Error ? err.message : String(err)}); nothing was changed`);
    });
    if (hex === null) throw new WalletFileError(ledger, 'key_missing', `the file is encrypted but its key is missing from the ${opts.secrets.kind === 'os-keychain' ? 'OS keychain' : 'key file store'}; nothing was changed. Restore the key (or the data folder) from a backup.`);
    const key = Buffer.from(hex, 'hex');
    if (key.length !== DB_KEY_BYTES || keyCheckValue(key) !== record.check) {
      throw new WalletFileError(ledger, 'wrong_key', `the stored key is not the one this file was encrypted with (was the key file or the keychain entry replaced?); nothing was changed`);
    }
    useWalletDbKey(opts.data_dir, key);
    return info('stored');
  }
  // No record: the folder's first run with encryption (a new folder, or a plain ledger to encrypt).
  if (opts.create === false) {
    if (looksEncrypted(ledger)) throw new WalletFileError(ledger, 'key_missing', `the file is not plain SQLite and ${record_file} is missing, so its key is unknown; nothing was changed`);
    return null;
  }
  if (looksEncrypted(ledger)) throw new WalletFileError(ledger, 'key_missing', `the file is not plain SQLite and ${record_file} is missing, so its key is unknown; nothing was changed. Restore ${LEDGER_KEY_RECORD} from a backup.`);
  let next: KeyRecord;
  let key: Buffer;
  if (opts.passphrase !== undefined) {
    checkPassphrase(opts.passphrase);
    const salt = randomBytes(SALT_BYTES);
    key = await scrypt(opts.passphrase, salt, SCRYPT_PARAMS);
    next = { version: 1, source: 'passphrase', check: keyCheckValue(key), scrypt: { salt: salt.toString('hex'), ...SCRYPT_PARAMS } };
  } else {
    const kept = await opts.secrets.get(LEDGER_KEY_SECRET); // stored before a crash, record not yet written
    key = kept !== null && kept.length === DB_KEY_BYTES * 2 ? Buffer.from(kept, 'hex') : randomBytes(DB_KEY_BYTES);
    if (kept === null) await opts.secrets.set(LEDGER_KEY_SECRET, key.toString('hex'));
    next = { version: 1, source: 'stored', store: opts.secrets.kind, check: keyCheckValue(key) };
  }
  writePrivateFile(record_file, `${JSON.stringify(next, null, 2)}\n`);
  useWalletDbKey(opts.data_dir, key);
  return info(next.source);
}

/** For the CLIs (`npm run wallet`): the folder's key from the key-file store or WALLET_LEDGER_PASSPHRASE,
 *  never made here (a read-only command leaves a plain folder plain). */
export function unlockLedgerForCommand(data_dir: string, env: NodeJS.ProcessEnv = process.env): Promise<LedgerKey | null> {
  return unlockLedger({ data_dir, secrets: openDefaultFileSecretStore(data_dir), passphrase: ledgerPassphraseFromEnv(env).ledger_passphrase, create: false });
}
