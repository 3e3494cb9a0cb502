import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EncryptedBlobStore,
  FileSecretStore,
  FILE_WARNING,
  loadApiCredentials,
  openDefaultFileSecretStore,
  saveApiCredentials,
  type StringEncryptor,
} from '../../electron/services/credentials/index.js';
import { tempDir } from './helpers.js';

const SECRET = 'sk_live_super_secret_value_1234567890';
const mode = (p: string) => fs.statSync(p).mode & 0o777;

function files() {
  const root = tempDir();
  return { secrets_file: path.join(root, 'data', 'credentials.enc'), key_file: path.join(root, 'keys', 'credentials.key'), root };
}

describe('FileSecretStore', () => {
  it('round-trips secrets, encrypted at rest, both files 0600, key in another folder, with a warning', async () => {
    const f = files();
    const store = new FileSecretStore(f);
    expect(store.kind).toBe('file');
    expect(store.warning).toBe(FILE_WARNING);
    expect(await store.get('platform.secret')).toBeNull();
    await saveApiCredentials(store, { key_id: 'key_1', secret: SECRET });
    expect(await loadApiCredentials(store)).toEqual({ key_id: 'key_1', secret: SECRET });
    expect(fs.readFileSync(f.secrets_file, 'utf8')).not.toContain(SECRET);
    expect(fs.readFileSync(f.secrets_file, 'utf8')).not.toContain('key_1');
    if (process.platform !== 'win32') {
      expect(mode(f.secrets_file)).toBe(0o600);
      expect(mode(f.key_file)).toBe(0o600);
      expect(mode(path.dirname(f.key_file))).toBe(0o700);
    }
    // A new store on the same files reads them back (the key persists).
    expect(await new FileSecretStore(f).get('platform.secret')).toBe(SECRET);
    await store.delete('platform.secret');
    expect(await store.get('platform.secret')).toBeNull();
    expect(await store.get('platform.key_id')).toBe('key_1');
  });

  it('refuses the key next to the secrets, bad names and oversized values', async () => {
    const root = tempDir();
    expect(() => new FileSecretStore({ secrets_file: path.join(root, 'a.enc'), key_file: path.join(root, 'a.key') })).toThrow(/same folder/);
    const store = new FileSecretStore(files());
    expect(() => store.get('Bad Name')).toThrow(/bad secret name/);
    expect(() => store.set('x', 'y'.repeat(5000))).toThrow(/1\.\.4096/);
  });

  it('fails clearly, without the value, when the key file was replaced or the blob tampered with', async () => {
    const f = files();
    const store = new FileSecretStore(f);
    await store.set('platform.secret', SECRET);
    fs.rmSync(f.key_file);
    const other = new FileSecretStore(f); // creates a new key
    await expect(other.get('platform.secret')).rejects.toThrow(/cannot decrypt secret "platform.secret"/);
    const text = JSON.parse(fs.readFileSync(f.secrets_file, 'utf8')) as { secrets: Record<string, string> };
    text.secrets['platform.secret'] = Buffer.from('garbage that is long enough to look like a blob').toString('base64');
    fs.writeFileSync(f.secrets_file, JSON.stringify(text));
    await expect(other.get('platform.secret')).rejects.toThrow(/cannot decrypt/);
  });

  it('serializes concurrent writes (no lost update)', async () => {
    const store = new FileSecretStore(files());
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`s${i}`, `v${i}`)));
    for (let i = 0; i < 20; i++) expect(await store.get(`s${i}`)).toBe(`v${i}`);
  });

  it('default locations keep the key outside the data dir', async () => {
    const root = tempDir();
    const store = openDefaultFileSecretStore(path.join(root, 'data'), path.join(root, 'state'));
    await store.set('platform.key_id', 'k');
    expect(fs.existsSync(path.join(root, 'data', 'credentials.enc'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'state', 'credentials.key'))).toBe(true);
  });
});

describe('EncryptedBlobStore with another encryptor (as the Electron shell uses safeStorage)', () => {
  it('uses the given primitive and reports the keychain kind without a warning', async () => {
    const calls: string[] = [];
    const reversing: StringEncryptor = {
      encryptString: (s) => {
        calls.push('enc');
        return Buffer.from([...Buffer.from(s)].reverse());
      },
      decryptString: (b) => {
        calls.push('dec');
        return Buffer.from([...b].reverse()).toString();
      },
    };
    const store = new EncryptedBlobStore({ file: path.join(tempDir(), 'c.enc'), encryptor: reversing, kind: 'os-keychain', warning: null });
    await store.set('platform.secret', SECRET);
    expect(await store.get('platform.secret')).toBe(SECRET);
    expect(calls).toEqual(['enc', 'dec']);
    expect(store.warning).toBeNull();
  });
});
