// Prints the Electron binary's path. Run in a child process by scripts/start.ts: requiring
// 'electron' downloads the binary on first use and throws where it cannot (our build
// machines), which must not take the launcher down with it.
process.stdout.write(require('electron'));
