// Secrets stored by an earlier version with Linux's 'basic_text' safeStorage (which it took
// for the OS keychain) are moved into the key-file store on first read, not lost.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretStore } from '../../electron/app/secrets.js';
import { EncryptedBlobStore, FILE_WARNING, type StringEncryptor } from '../../electron/services/credentials/index.js';
import { dataPaths } from '../../electron/services/paths.js';

/** Stands in for safeStorage's basic_text: reversible, keyed by a fixed string. */
const basicText: StringEncryptor = {
  encryptString: (s) => Buffer.from(`basic:${Buffer.from(s).toString('base64')}`),
  decryptString: (b) => {
    const t = b.toString();
    if (!t.startsWith('basic:')) throw new Error('not basic_text');
    return Buffer.from(t.slice(6), 'base64').toString();
  },
};

let prev: string | undefined;
beforeEach(() => {
  prev = process.env.XDG_STATE_HOME;
  process.env.XDG_STATE_HOME = mkdtempSync(path.join(os.tmpdir(), 'cw-keys-'));
});
afterEach(() => {
  if (prev === undefined) delete process.env.XDG_STATE_HOME;
  else process.env.XDG_STATE_HOME = prev;
});

describe('secret store choice', () => {
  it('moves secrets written with basic_text into the key-file store, which says it is not the keychain', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-sec-'));
    const earlier = new EncryptedBlobStore({ file: dataPaths(dir).credentials_enc, encryptor: basicText, kind: 'os-keychain', warning: null });
    await earlier.set('platform.secret', 's3cret-value');
    // Without the legacy reader the file store cannot read it (it was encrypted differently).
    await expect(createSecretStore(dir).get('platform.secret')).rejects.toThrow(/cannot decrypt/);
    const store = createSecretStore(dir, undefined, basicText);
    expect(store.kind).toBe('file');
    expect(store.warning).toBe(FILE_WARNING);
    expect(await store.get('platform.secret')).toBe('s3cret-value');
    // Moved: the file store alone reads it now, basic_text no longer does.
    expect(await createSecretStore(dir).get('platform.secret')).toBe('s3cret-value');
    await expect(earlier.get('platform.secret')).rejects.toThrow(/cannot decrypt/);
    expect(await store.get('platform.missing')).toBeNull();
  });
});
