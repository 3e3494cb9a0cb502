// `npm run wallet -- <command> [options]`: the wallet's command line.
// Each command lives in electron/cli/commands/<name>.ts and exports `run(argv): Promise<number>` (exit code).
const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number>; summary: string }>> = {
  verify: () => import('./commands/verify.js'),
  report: () => import('./commands/report.js'),
  connect: () => import('./commands/connect.js'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    process.stderr.write(`usage: npm run wallet -- <command> [options]\ncommands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return name ? 2 : 0;
  }
  const cmd = await load();
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
