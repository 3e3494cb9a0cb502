// Where the wallet keeps its files. The per-user app data folder by default (the same
// folder Electron's app.getPath('userData') gives for this app name), `--data-dir` overrides.
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'compute-wallet';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME);
}

/** Files inside a data dir. The secrets key lives elsewhere (see credentials/). */
export function dataPaths(data_dir: string) {
  return {
    ledger_db: path.join(data_dir, 'ledger.db'),
    settings_json: path.join(data_dir, 'settings.json'),
    credentials_enc: path.join(data_dir, 'credentials.enc'),
    embedded_platform_db: path.join(data_dir, 'demo-platform.db'),
    logs_dir: path.join(data_dir, 'logs'),
  };
}

/**
 * Folder of the key that encrypts credentials.enc when the OS keychain is not used: kept
 * apart from the data dir, so a copy of the data dir (a backup, a shared ledger) does not
 * carry the key with it. Linux: $XDG_STATE_HOME/compute-wallet (~/.local/state/…);
 * macOS: ~/Library/Preferences/compute-wallet; Windows: %LOCALAPPDATA%/compute-wallet
 * (the data dir is under the roaming %APPDATA%, the key stays on this machine).
 */
export function defaultKeyDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), APP_DIR_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Preferences', APP_DIR_NAME);
  return path.join(env.XDG_STATE_HOME ?? path.join(home, '.local', 'state'), APP_DIR_NAME);
}

export function keyPaths(key_dir: string) {
  return { credentials_key: path.join(key_dir, 'credentials.key') };
}
