// One process per data folder: the OS lock (electron/services/db/lock.ts) in one process,
// across processes, and released by the kernel when the holder is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { DataFolderInUseError, HOLDER_FILE, lockDataFolder } from '../../electron/services/db/lock.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cw-lock-'));
const ROOT = path.resolve(import.meta.dirname, '../..');

const children: ChildProcess[] = [];
// A failed assertion must not leave a holder running.
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A child process that takes the lock (dropping the handle), says so and waits. */
function holder(dir: string) {
  const code = `
    const { lockDataFolder } = await import(${JSON.stringify(path.join(ROOT, 'electron/services/db/lock.ts'))});
    lockDataFolder(${JSON.stringify(dir)}, { host: 'browser', purpose: 'wallet' }); // handle dropped on purpose
    globalThis.gc(); // a dropped handle must not let the garbage collector release the lock
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => b.toString().includes('locked') && resolve());
    child.on('exit', (c) => reject(new Error(`holder exited ${c}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  children.push(child);
  return { child, locked, exited };
}

describe('data folder lock', () => {
  it('refuses a second holder in the same process and names the first', () => {
    const dir = tmp();
    const first = lockDataFolder(dir, { host: 'desktop', purpose: 'wallet' }, new Date('2026-01-02T03:04:05.000Z'));
    let err: unknown;
    try {
      lockDataFolder(dir, { host: 'cli', purpose: 'connect' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataFolderInUseError);
    expect((err as DataFolderInUseError).holder).toMatchObject({ pid: process.pid, host: 'desktop', since: '2026-01-02T03:04:05.000Z' });
    expect((err as Error).message).toContain(`pid ${process.pid}, desktop mode, since 2026-01-02T03:04:05.000Z`);
    first.release();
    expect(existsSync(path.join(dir, HOLDER_FILE))).toBe(false);
    const again = lockDataFolder(dir, { host: 'cli', purpose: 'connect' });
    expect(JSON.parse(readFileSync(path.join(dir, HOLDER_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: 'cli', purpose: 'connect' });
    again.release();
    again.release(); // idempotent
  });

  it('is held across processes and released by the OS when the holder is SIGKILLed', async () => {
    const dir = tmp();
    const h = holder(dir);
    await h.locked;
    expect(() => lockDataFolder(dir, { host: 'cli', purpose: 'connect' })).toThrow(`pid ${h.child.pid}, browser mode`);
    h.child.kill('SIGKILL');
    await h.exited;
    // The holder file is left behind by the killed process; the lock is not.
    expect(existsSync(path.join(dir, HOLDER_FILE))).toBe(true);
    const mine = lockDataFolder(dir, { host: 'cli', purpose: 'connect' });
    expect(mine.holder.pid).toBe(process.pid);
    mine.release();
  });

  it('says so when the holder left no readable note', () => {
    const dir = tmp();
    const first = lockDataFolder(dir, { host: 'browser', purpose: 'wallet' });
    // As in the moment between taking the lock and writing the note.
    rmSync(path.join(dir, HOLDER_FILE));
    expect(() => lockDataFolder(dir, { host: 'cli', purpose: 'connect' })).toThrow(/in use by another Compute Wallet process \(it did not say which\)/);
    first.release();
  });
});

describe('CLIs that write to the data folder', () => {
  it('`wallet connect` is refused while a wallet holds the folder, and changes nothing', async () => {
    const dir = tmp();
    const prev = process.env.XDG_STATE_HOME;
    process.env.XDG_STATE_HOME = tmp(); // the key file goes to a temporary folder, not the user's
    onTestFinished(() => {
      if (prev === undefined) delete process.env.XDG_STATE_HOME;
      else process.env.XDG_STATE_HOME = prev;
    });
    const { run } = await import('../../electron/cli/commands/connect.js');
    const app = lockDataFolder(dir, { host: 'browser', purpose: 'wallet' });
    await expect(run(['--demo', '--data-dir', dir])).rejects.toThrow(`in use by another Compute Wallet process (pid ${process.pid}, browser mode`);
    expect(existsSync(path.join(dir, 'settings.json'))).toBe(false);
    app.release();
    expect(await run(['--demo', '--data-dir', dir])).toBe(0);
    expect(existsSync(path.join(dir, 'settings.json'))).toBe(true);
    expect(existsSync(path.join(dir, HOLDER_FILE))).toBe(false);
  });
});
