// Credentials (API key id and secret), stored encrypted. Public API:
//
//   interface SecretStore { kind: 'os-keychain'|'file'; warning: string|null;
//                           get(name): Promise<string|null>; set(name, value): Promise<void>; delete(name): Promise<void> }
//   new EncryptedBlobStore({ file, encryptor: { encryptString(s): Buffer, decryptString(b): string }, kind, warning })
//        — the Electron shell passes safeStorage as `encryptor` with kind 'os-keychain', warning null.
//   new FileSecretStore({ secrets_file, key_file })     — AES-256-GCM, key in another folder; kind 'file', warning set.
//   openDefaultFileSecretStore(data_dir)                — secrets_file = dataPaths(data_dir).credentials_enc,
//                                                         key_file under defaultKeyDir().
//   loadApiCredentials(store) / saveApiCredentials(store, { key_id, secret })
// Names: [a-z0-9_.-]{1,64}. Values are never logged.
import { z } from 'zod';
import { dataPaths, defaultKeyDir, keyPaths } from '../paths.js';
import { FileSecretStore, type SecretStore } from './store.js';

export {
  EncryptedBlobStore,
  FileSecretStore,
  aesGcmEncryptor,
  loadOrCreateKey,
  FILE_WARNING,
  writePrivateFile,
  type SecretStore,
  type StringEncryptor,
} from './store.js';

export function openDefaultFileSecretStore(data_dir: string, key_dir: string = defaultKeyDir()): FileSecretStore {
  return new FileSecretStore({ secrets_file: dataPaths(data_dir).credentials_enc, key_file: keyPaths(key_dir).credentials_key });
}

export const API_KEY_ID = 'platform.key_id';
export const API_SECRET = 'platform.secret';

const ApiCredentials = z.strictObject({ key_id: z.string().min(1).max(128), secret: z.string().min(1).max(512) });
export type ApiCredentials = z.infer<typeof ApiCredentials>;

export async function saveApiCredentials(store: SecretStore, creds: ApiCredentials): Promise<void> {
  const c = ApiCredentials.parse(creds);
  await store.set(API_KEY_ID, c.key_id);
  await store.set(API_SECRET, c.secret);
}

/** Both parts, or null when none are stored. */
export async function loadApiCredentials(store: SecretStore): Promise<ApiCredentials | null> {
  const key_id = await store.get(API_KEY_ID);
  const secret = await store.get(API_SECRET);
  if (key_id === null || secret === null) return null;
  return { key_id, secret };
}

export async function deleteApiCredentials(store: SecretStore): Promise<void> {
  await store.delete(API_KEY_ID);
  await store.delete(API_SECRET);
}
