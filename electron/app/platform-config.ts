// Pointing the wallet at a platform: settings.json gets the URL, the secret store gets the
// API key (never settings.json, never a log line). Used by `wallet connect` and Settings.
// Takes effect at the next start: the running sync engine keeps its connection until then.
import { dataPaths } from '../services/paths.js';
import { deleteApiCredentials, saveApiCredentials, type SecretStore } from '../services/credentials/index.js';
import { loadSettings, saveSettings } from './settings.js';

export async function usePlatform(data_dir: string, secrets: SecretStore, platform_url: string, creds: { key_id: string; secret: string }): Promise<void> {
  const file = dataPaths(data_dir).settings_json;
  const settings = loadSettings(file);
  saveSettings(file, { ...settings, platform_url }); // the settings schema validates the URL
  await saveApiCredentials(secrets, creds);
}

export async function useDemoPlatform(data_dir: string, secrets: SecretStore): Promise<void> {
  const file = dataPaths(data_dir).settings_json;
  const { platform_url: _dropped, ...rest } = loadSettings(file);
  saveSettings(file, rest);
  await deleteApiCredentials(secrets);
}
