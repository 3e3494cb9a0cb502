// postinstall: nothing here may fail `npm install` on a machine without network access to
// Electron's binaries or headers (our build machines). Packaging rebuilds native modules for
// Electron's ABI itself (electron-builder's npmRebuild), so Node's builds of the SQLite
// packages (the wallet's better-sqlite3-multiple-ciphers, the platform's better-sqlite3) stay
// the ones that tests, browser mode and the CLIs load.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
let sqliteOk = true;
for (const pkg of ['better-sqlite3-multiple-ciphers', 'better-sqlite3']) {
  try {
    const Database = require(pkg);
    new Database(':memory:').close();
  } catch (err) {
    sqliteOk = false;
    console.warn(`postinstall: ${pkg} does not load under Node ${process.version}: ${err.message.split('\n')[0]}`);
    console.warn(`postinstall: run \`npm rebuild ${pkg}\` (needs python3, make and g++).`);
  }
}
const electronDist = new URL('../node_modules/electron/dist', import.meta.url);
if (!existsSync(electronDist)) {
  console.log('postinstall: Electron binary not present (it is fetched on first launch where the network allows); browser mode works without it.');
}
process.exitCode = 0;
void sqliteOk;
