// A throwaway PostgreSQL cluster for tests: initdb into a fresh temp folder as an
// unprivileged user (PostgreSQL refuses to run as root), listening on a free loopback port
// only, trust auth on loopback (nothing else can reach it), removed at stop().
// Needs Debian's `postgresql` package (.ci/run installs it). Without it, findPgBin() says
// why, and the PostgreSQL tests are reported as skipped with that reason, never passed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_ROOT = '/usr/lib/postgresql';
const START_TIMEOUT_MS = 30_000;
/** The user the cluster runs as when the tests run as root. */
const SERVICE_USER = 'postgres';

export interface PgCluster {
  url: string;
  port: number;
  /** The cluster's folder (data and socket), removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

/** The bin folder of the newest installed PostgreSQL, or the reason there is none. */
export function findPgBin(): { bin: string } | { missing: string } {
  if (!existsSync(PG_ROOT)) return { missing: `PostgreSQL is not installed (${PG_ROOT} missing; apt-get install postgresql)` };
  const versions = readdirSync(PG_ROOT)
    .filter((v) => /^\d+$/.test(v) && existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) return { missing: `no initdb under ${PG_ROOT}/*/bin (apt-get install postgresql)` };
  return { bin: path.join(PG_ROOT, versions[0]!, 'bin') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** argv prefix that runs a command as the unprivileged cluster owner. */
function asOwner(): string[] {
  // setpriv execs the command itself (no intermediate process), so signals reach postgres.
  return process.getuid?.() === 0 ? ['setpriv', `--reuid=${SERVICE_USER}`, `--regid=${SERVICE_USER}`, '--init-groups', '--'] : [];
}

function run(argv: string[]): void {
  execFileSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PgClusterOptions {
  /** fsync on (a benchmark comparing with SQLite's synchronous=FULL); tests run without it. */
  durable?: boolean;
}

export async function startPgCluster(opts: PgClusterOptions = {}): Promise<PgCluster> {
  const found = findPgBin();
  if ('missing' in found) throw new Error(found.missing);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-cluster-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) execFileSync('chown', [SERVICE_USER, dir]);
  chmodSync(dir, 0o700);
  const owner = asOwner();
  run([...owner, path.join(found.bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await freePort();
  const child: ChildProcess = spawn(
    owner[0] ?? path.join(found.bin, 'postgres'),
    [
      ...owner.slice(1),
      ...(owner.length > 0 ? [path.join(found.bin, 'postgres')] : []),
      '-D', data,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${dir}`,
      // A test cluster: durability is not what is tested here (the engine's commit path is the same).
      '-c', `fsync=${opts.durable ? 'on' : 'off'}`,
      '-c', 'max_connections=50',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (b: Buffer) => {
    log = (log + b.toString()).slice(-4000);
  });
  const ready = await new Promise<boolean>((resolve) => {
    const until = Date.now() + START_TIMEOUT_MS;
    const poll = () => {
      if (child.exitCode !== null) return resolve(false);
      if (/ready to accept connections/.test(log)) return resolve(true);
      if (Date.now() > until) return resolve(false);
      setTimeout(poll, 50);
    };
    poll();
  });
  const remove = () => rmSync(dir, { recursive: true, force: true });
  if (!ready) {
    child.kill('SIGKILL');
    remove();
    throw new Error(`PostgreSQL did not start: ${log.slice(-1000)}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGINT'); // fast shutdown
        await exited;
      }
      remove();
    },
  };
}
