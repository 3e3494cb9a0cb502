// Picks where API secrets live: the OS keychain when the desktop shell provides a real one
// (Electron safeStorage), otherwise an AES-256-GCM file whose key is kept in another folder.
import { dataPaths } from '../services/paths.js';
import { EncryptedBlobStore, openDefaultFileSecretStore, type SecretStore, type StringEncryptor } from '../services/credentials/index.js';

export interface Encryptor extends StringEncryptor {
  kind: 'os-keychain';
}

/**
 * `legacy`: what earlier versions encrypted with when they took Linux's 'basic_text' safeStorage
 * for the keychain. Secrets it can read are moved into the file store on first read, so an
 * upgrade keeps the API key (and it is then protected by the key file, with its warning).
 */
export function createSecretStore(data_dir: string, encryptor?: Encryptor, legacy?: StringEncryptor): SecretStore {
  if (encryptor) {
    return new EncryptedBlobStore({ file: dataPaths(data_dir).credentials_enc, encryptor, kind: 'os-keychain', warning: null });
  }
  const file = openDefaultFileSecretStore(data_dir);
  if (!legacy) return file;
  const old = new EncryptedBlobStore({ file: dataPaths(data_dir).credentials_enc, encryptor: legacy, kind: 'file', warning: null });
  return {
    kind: file.kind,
    warning: file.warning,
    async get(name) {
      try {
        return await file.get(name);
      } catch (err) {
        const value = await old.get(name).catch(() => {
          throw err; // neither key reads it: the file store's own error
        });
        if (value !== null) await file.set(name, value);
        return value;
      }
    },
    set: (name, value) => file.set(name, value),
    delete: (name) => file.delete(name),
  };
}
