// A real period close on the reference platform, fed to the notifications service as the
// ledger will announce it (onLedgerApplied with the committed batch): exactly one
// notification with the minted amount, and none again after a restart that sees the
// events again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { startPlatform } from '../../platform/index.js';
import { PlatformClient } from '../../electron/services/platform-client/index.js';
import { NotificationService } from '../../electron/services/notifications/index.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

it('a period close on the platform notifies once with the minted amount, also across a restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notif-close-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const platform = await startPlatform({ db_path: path.join(dir, 'platform.db') });
  cleanup.push(() => platform.close());
  const { account_id } = platform.core.createAccount({ start_ms: Date.now() - platform.core.config.period_ms });
  const open = () => {
    const db = new Database(path.join(dir, 'wallet.db'));
    cleanup.push(() => { db.close(); });
    return new NotificationService({ db, initial_cursor_seq: 0, symbol: () => 'CMPT' });
  };
  const first_start = open(); // the wallet runs before the period closes
  platform.core.tick(); // closes the period: all 1,000 credits unused, minted
  const client = new PlatformClient({ base_url: platform.url, credentials: platform.core.createApiKey(account_id), timeout_ms: 2000 });
  const page = await client.getEvents({ after: 0 });
  expect(page.events.map((e) => e.type)).toContain('mint');
  const batch = { events: page.events, cursor_seq: page.last_seq };

  const first = first_start.onLedgerApplied(batch);
  expect(first.map((n) => [n.kind, n.title])).toEqual([['period_close', 'Period closed: 1000 CMPT minted']]);
  const again = open(); // a restart: the same file, a new service
  expect(again.onLedgerApplied(batch)).toEqual([]);
  expect(again.list().notifications).toHaveLength(1);
});
