// postinstall: nothing here may fail `npm install` on a machine without network access to
// Electron's binaries or headers (our build machines). Packaging rebuilds native modules for
// Electron's ABI itself (electron-builder's npmRebuild), so Node's build of better-sqlite3
// stays the one that tests, browser mode and the CLIs load.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
let sqliteOk = false;
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
  sqliteOk = true;
} catch (err) {
  console.warn(`postinstall: better-sqlite3 does not load under Node ${process.version}: ${err.message.split('\n')[0]}`);
  console.warn('postinstall: run `npm rebuild better-sqlite3` (needs python3, make and g++).');
}
const electronDist = new URL('../node_modules/electron/dist', import.meta.url);
if (!existsSync(electronDist)) {
  console.log('postinstall: Electron binary not present (it is fetched on first launch where the network allows); browser mode works without it.');
}
process.exitCode = 0;
void sqliteOk;
