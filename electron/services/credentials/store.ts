// Encrypted storage of small secrets (the API key id and secret).
// One file of encrypted blobs, written atomically with mode 0600. The encryption
// primitive is pluggable: Electron's safeStorage in the desktop app (OS keychain), or
// AES-256-GCM with a key file kept in another folder (browser mode, CLI, tests).
// Values are never logged; error messages name the secret, never its value.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface SecretStore {
  readonly kind: 'os-keychain' | 'file';
  /** Shown to the user when secrets are not protected by the OS keychain. */
  readonly warning: string | null;
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** The primitive a store needs (Electron's safeStorage has exactly this shape). */
export interface StringEncryptor {
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const SECRET_NAME_PATTERN = /^[a-z0-9_.-]{1,64}$/;
export const SECRET_VALUE_MAX_CHARS = 4096;
export const SECRETS_MAX = 64;
const FILE_MAX_BYTES = 1024 * 1024;
export const FILE_WARNING =
  'The OS keychain is not in use: API credentials and the ledger\'s encryption key are encrypted in a file with a key stored in a separate file readable only by you.';

const SecretsFile = z.strictObject({
  version: z.literal(1),
  secrets: z.record(z.string().regex(SECRET_NAME_PATTERN), z.string().max(16_384)),
});

function checkName(name: string): void {
  if (typeof name !== 'string' || !SECRET_NAME_PATTERN.test(name)) throw new TypeError(`bad secret name (allowed: ${SECRET_NAME_PATTERN.source})`);
}

/** Writes `data` to `file` atomically (temp file + fsync + rename), readable only by the user. */
export function writePrivateFile(file: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600); // in case the umask widened it
  fs.renameSync(tmp, file);
}

export class EncryptedBlobStore implements SecretStore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opts: { file: string; encryptor: StringEncryptor; kind: SecretStore['kind']; warning: string | null },
  ) {}

  get kind(): SecretStore['kind'] {
    return this.opts.kind;
  }

  get warning(): string | null {
    return this.opts.warning;
  }

  get(name: string): Promise<string | null> {
    checkName(name);
    return this.serial(() => {
      const blob = this.read().secrets[name];
      if (blob === undefined) return null;
      try {
        return this.opts.encryptor.decryptString(Buffer.from(blob, 'base64'));
      } catch {
        throw new Error(`cannot decrypt secret "${name}" (was the key file replaced?)`);
      }
    });
  }

  set(name: string, value: string): Promise<void> {
    checkName(name);
    if (typeof value !== 'string' || value.length === 0 || value.length > SECRET_VALUE_MAX_CHARS) {
      throw new TypeError(`secret "${name}" must be a string of 1..${SECRET_VALUE_MAX_CHARS} characters`);
    }
    return this.serial(() => {
      const f = this.read();
      if (!(name in f.secrets) && Object.keys(f.secrets).length >= SECRETS_MAX) throw new Error(`at most ${SECRETS_MAX} secrets`);
      f.secrets[name] = this.opts.encryptor.encryptString(value).toString('base64');
      writePrivateFile(this.opts.file, JSON.stringify(f));
    });
  }

  delete(name: string): Promise<void> {
    checkName(name);
    return this.serial(() => {
      const f = this.read();
      if (!(name in f.secrets)) return;
      delete f.secrets[name];
      writePrivateFile(this.opts.file, JSON.stringify(f));
    });
  }

  private read(): z.infer<typeof SecretsFile> {
    let text: string;
    try {
      const st = fs.statSync(this.opts.file);
      if (st.size > FILE_MAX_BYTES) throw new Error(`${this.opts.file} is larger than ${FILE_MAX_BYTES} bytes`);
      text = fs.readFileSync(this.opts.file, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return { version: 1, secrets: {} };
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${this.opts.file} is not valid JSON`);
    }
    const parsed = SecretsFile.safeParse(json);
    if (!parsed.success) throw new Error(`${this.opts.file} is not a secrets file: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  /** One operation at a time (read-modify-write of one file). */
  private serial<T>(op: () => T): Promise<T> {
    const next = this.chain.then(op);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

// ---------------------------------------------------------------- AES-256-GCM file key

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 1;

/** AES-256-GCM: version(1) | iv(12) | tag(16) | ciphertext. */
export function aesGcmEncryptor(key: Buffer): StringEncryptor {
  if (key.length !== KEY_BYTES) throw new RangeError(`key must be ${KEY_BYTES} bytes`);
  return {
    encryptString(plain) {
      const iv = randomBytes(IV_BYTES);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, c.getAuthTag(), body]);
    },
    decryptString(enc) {
      if (enc.length < 1 + IV_BYTES + TAG_BYTES || enc[0] !== FORMAT_VERSION) throw new Error('not an encrypted secret');
      const d = createDecipheriv('aes-256-gcm', key, enc.subarray(1, 1 + IV_BYTES));
      d.setAuthTag(enc.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([d.update(enc.subarray(1 + IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
    },
  };
}

/** Reads the key file, or creates it (32 random bytes, mode 0600, folder 0700). */
export function loadOrCreateKey(key_file: string): Buffer {
  try {
    const key = fs.readFileSync(key_file);
    if (key.length !== KEY_BYTES) throw new Error(`${key_file} is not a ${KEY_BYTES}-byte key`);
    if (process.platform !== 'win32' && (fs.statSync(key_file).mode & 0o077) !== 0) fs.chmodSync(key_file, 0o600);
    return key;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(KEY_BYTES);
  writePrivateFile(key_file, key);
  return key;
}

/**
 * Secrets in `secrets_file` (under the data dir), encrypted with the key in `key_file`
 * (under a different folder, see paths.ts defaultKeyDir). Both files are mode 0600.
 */
export class FileSecretStore extends EncryptedBlobStore {
  constructor(opts: { secrets_file: string; key_file: string }) {
    if (path.resolve(path.dirname(opts.secrets_file)) === path.resolve(path.dirname(opts.key_file))) {
      throw new Error('the key file must not be in the same folder as the secrets file');
    }
    super({ file: opts.secrets_file, encryptor: aesGcmEncryptor(loadOrCreateKey(opts.key_file)), kind: 'file', warning: FILE_WARNING });
  }
}
