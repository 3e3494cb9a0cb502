import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run, summary } from '../../electron/cli/commands/verify.js';
import { openLedger } from '../../electron/services/ledger/index.js';
import { generateStream } from '../sim/gen.js';
import { captureOutput, tempDir } from './helpers.js';
import { openDefaultFileSecretStore } from '../../electron/services/credentials/index.js';
import { unlockLedger } from '../../electron/app/ledger-key.js';
import { useWalletDbKey } from '../../electron/services/db/cipher.js';

afterEach(() => vi.restoreAllMocks());

function ledgerDir(): string {
  const dir = tempDir();
  const l = openLedger({ path: path.join(dir, 'ledger.db') });
  l.ingest(generateStream({ seed: 4, count: 120 }).events);
  l.ingest([{ seq: 121, nonsense: true }]);
  l.close();
  return dir;
}

describe('wallet verify', () => {
  it('exports a summary', () => {
    expect(summary).toMatch(/invariant/);
  });

  it('exits 0 on a sound ledger and lists quarantined events', async () => {
    const dir = ledgerDir();
    const c = captureOutput();
    expect(await run(['--data-dir', dir])).toBe(0);
    expect(c.out()).toMatch(/120 entries/);
    expect(c.out()).toMatch(/all hold/);
    expect(c.out()).toMatch(/quarantined events: 1\n {2}seq 121: invalid event/);
  });

  it('exits 1 and prints what is wrong on a tampered ledger; --json works', async () => {
    const dir = ledgerDir();
    const db = new Database(path.join(dir, 'ledger.db'));
    // Entry 1 is a deposit; its first posting is to assets:exchange:usd (account 1).
    db.exec('UPDATE entries SET a1 = a1 + 7 WHERE id = 1 AND k1 = 1 * 4 + 0');
    db.close();
    let c = captureOutput();
    expect(await run(['--data-dir', dir])).toBe(1);
    expect(c.out()).toMatch(/\[entry_balance\] entry 1 does not balance in USD: off by 0.00000007/);
    expect(c.out()).toMatch(/\[cached_balance\]/);
    vi.restoreAllMocks();
    c = captureOutput();
    expect(await run(['--data-dir', dir, '--json'])).toBe(1);
    const j = JSON.parse(c.out()) as { ok: boolean; problems: { check: string }[] };
    expect(j.ok).toBe(false);
    expect(j.problems.map((p) => p.check)).toContain('entry_balance');
  });

  it('exits 2 on a missing ledger or a bad option', async () => {
    const c = captureOutput();
    expect(await run(['--data-dir', tempDir()])).toBe(2);
    expect(c.err()).toMatch(/no ledger at/);
    expect(await run(['--frobnicate'])).toBe(2);
    expect(await run(['--data-dir'])).toBe(2);
  });
});

describe('wallet verify on an encrypted ledger', () => {
  const saved = { state: process.env.XDG_STATE_HOME, pass: process.env.WALLET_LEDGER_PASSPHRASE };
  afterEach(() => {
    for (const [k, v] of [['XDG_STATE_HOME', saved.state], ['WALLET_LEDGER_PASSPHRASE', saved.pass]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  async function encryptedDir(passphrase?: string): Promise<string> {
    process.env.XDG_STATE_HOME = tempDir('cw-verify-keys-'); // the key-file store's folder, apart
    const dir = tempDir();
    const secrets = openDefaultFileSecretStore(dir);
    await unlockLedger({ data_dir: dir, secrets, passphrase });
    const l = openLedger({ path: path.join(dir, 'ledger.db') });
    l.ingest(generateStream({ seed: 5, count: 40 }).events);
    l.close();
    useWalletDbKey(dir, undefined); // as a new process: verify finds the key itself
    return dir;
  }

  it('finds the key in the key-file store and verifies; without the store it says the key is missing', async () => {
    const dir = await encryptedDir();
    let c = captureOutput();
    expect(await run(['--data-dir', dir])).toBe(0);
    expect(c.out()).toMatch(/40 entries/);
    vi.restoreAllMocks();
    useWalletDbKey(dir, undefined);
    process.env.XDG_STATE_HOME = tempDir('cw-verify-other-'); // another key folder: the key file is not there
    c = captureOutput();
    expect(await run(['--data-dir', dir])).toBe(1);
    expect(c.err()).toMatch(/ledger\.db: its key cannot be read from the key file store/);
  });

  it('a passphrase from WALLET_LEDGER_PASSPHRASE; a wrong one is a wrong key, not damage', async () => {
    const dir = await encryptedDir('a long enough passphrase');
    process.env.WALLET_LEDGER_PASSPHRASE = 'not the passphrase';
    let c = captureOutput();
    expect(await run(['--data-dir', dir, '--json'])).toBe(1);
    expect(JSON.parse(c.out()).error.problem).toBe('wrong_key');
    vi.restoreAllMocks();
    process.env.WALLET_LEDGER_PASSPHRASE = 'a long enough passphrase';
    c = captureOutput();
    expect(await run(['--data-dir', dir])).toBe(0);
    useWalletDbKey(dir, undefined);
  });
});
