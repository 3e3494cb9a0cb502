// Picks where API secrets live: the OS keychain when the desktop shell provides one
// (Electron safeStorage), otherwise an AES-256-GCM file whose key is kept in another folder.
import { dataPaths } from '../services/paths.js';
import { EncryptedBlobStore, openDefaultFileSecretStore, type SecretStore, type StringEncryptor } from '../services/credentials/index.js';

export interface Encryptor extends StringEncryptor {
  kind: 'os-keychain';
}

export function createSecretStore(data_dir: string, encryptor?: Encryptor): SecretStore {
  if (encryptor) {
    return new EncryptedBlobStore({ file: dataPaths(data_dir).credentials_enc, encryptor, kind: 'os-keychain', warning: null });
  }
  return openDefaultFileSecretStore(data_dir);
}
