// API secrets at rest: the server must keep each key's secret to verify HMAC signatures,
// so it cannot store a hash; it stores the secret sealed with AES-256-GCM under a key kept
// in a separate file (0600). A copy of the database alone (a backup, a support bundle)
// then reveals no usable secret. Rows written before this existed are read as plain text.
//
// The key file is checked at startup (forStore): a missing, malformed or wrong key is a
// clear error naming the file, never a new key that turns every signed request into a 500.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { PlatformStore } from './store.js';

const PREFIX = 'enc1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** meta row holding a value sealed under the store's key: opening it proves the key file is the right one. */
const CHECK_META_KEY = 'secrets_key_check';
const CHECK_PLAIN = 'compute-wallet platform secrets key check';

export class SecretsKeyError extends Error {
  override name = 'SecretsKeyError';
}

export class SecretBox {
  private constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`secret key must be ${KEY_BYTES} bytes`);
  }

  /** An in-memory key for ':memory:' stores (their secrets die with the process anyway). */
  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(KEY_BYTES));
  }

  /**
   * The key for this store. A new key file (mode 0600) is created only for a store that has
   * never sealed anything; otherwise the file must exist and open the store's check value
   * (or, for a store from before the check, one of its sealed secrets).
   */
  static forStore(store: Pick<PlatformStore, 'getMeta' | 'setMeta' | 'sampleSealedSecret'>, file: string): SecretBox {
    const check = store.getMeta(CHECK_META_KEY);
    const sample = store.sampleSealedSecret(PREFIX);
    const sealed = check ?? sample;
    if (!existsSync(file)) {
      if (sealed !== undefined) {
        throw new SecretsKeyError(`secrets key file ${file} is missing, but this database holds API secrets sealed with it: restore the file (or pass the right one); nothing was changed`);
      }
      writeFileSync(file, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    const box = SecretBox.readKeyFile(file);
    if (sealed !== undefined) {
      try {
        box.open(sealed);
      } catch {
        throw new SecretsKeyError(`secrets key file ${file} does not match this database (it cannot open the secrets sealed in it): restore the right file; nothing was changed`);
      }
    }
    if (check === undefined) store.setMeta(CHECK_META_KEY, box.seal(CHECK_PLAIN));
    return box;
  }

  private static readKeyFile(file: string): SecretBox {
    const text = readFileSync(file, 'utf8').trim();
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) throw new SecretsKeyError(`secrets key file ${file} is not a ${KEY_BYTES}-byte base64 key (damaged or replaced?); nothing was changed`);
    return new SecretBox(key);
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
  }

  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored; // a legacy plain-text row
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed secret is truncated');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    d.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([d.update(raw.subarray(IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
  }
}
