// The platform CLI as a child process, for tests that need a second real process.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';

const children: ChildProcess[] = [];

/** Runs `npm run platform -- args`; resolves `listening` with its base URL, `out` with all it printed once it exits. */
export function cli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; out: Promise<string>; listening: Promise<string> } {
  // node itself with tsx's loader (not the tsx binary, which runs node as its own child): a
  // signal, SIGKILL included, reaches the platform process.
  const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      text += b.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`platform exited ${code}: ${text}`)));
  });
  listening.catch(() => undefined);
  const out = new Promise<string>((resolve) => child.once('exit', () => resolve(text)));
  return { child, out, listening };
}

// Nothing outlives its test file.
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});
