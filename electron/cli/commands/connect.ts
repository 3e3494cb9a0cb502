// `npm run wallet -- connect --platform-url URL --credentials FILE [--data-dir DIR]`
// `npm run wallet -- connect --platform-url URL --key-id ID [--data-dir DIR]` (secret read from stdin)
// `npm run wallet -- connect --demo [--data-dir DIR]` (back to the embedded demo platform)
// Points the wallet at a platform and stores its API key in the secret store (never in
// settings.json, never echoed). Takes effect at the next start of the app.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { dataPaths, defaultDataDir } from '../../services/paths.js';
import { unsentWorkIn } from '../../app/stranded.js';
import { withDataFolderLock } from '../../services/db/lock.js';
import { openDefaultFileSecretStore } from '../../services/credentials/index.js';
import { useDemoPlatform, usePlatform } from '../../app/platform-config.js';

export const summary = 'point the wallet at a platform and store its API key (or --demo)';

const USAGE = `usage: npm run wallet -- connect --platform-url URL (--credentials FILE | --key-id ID < secret) [--data-dir DIR]
       npm run wallet -- connect --demo [--data-dir DIR]
`;
/** Larger credential files or stdin are refused: a key is a few hundred bytes. */
const CREDENTIALS_BYTES_MAX = 16 * 1024;

const CredentialsFile = z.object({ key_id: z.string().min(1).max(128), secret: z.string().min(1).max(512) });

function readStdin(): string {
  const text = readFileSync(0, 'utf8');
  if (text.length > CREDENTIALS_BYTES_MAX) throw new Error('the secret on stdin is too long');
  return text.trim();
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'platform-url': { type: 'string' },
        credentials: { type: 'string' },
        'key-id': { type: 'string' },
        demo: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const data_dir = values['data-dir'] ?? defaultDataDir();
  // Settings and secrets are the running wallet's too: refused while it holds the folder.
  return withDataFolderLock(data_dir, 'connect', () => configure(data_dir, values));
}

async function configure(data_dir: string, values: { demo: boolean; 'platform-url'?: string; credentials?: string; 'key-id'?: string }): Promise<number> {
  const store = openDefaultFileSecretStore(data_dir);

  if (values.demo) {
    const leftover = strandedNote(data_dir, null);
    await useDemoPlatform(data_dir, store);
    process.stdout.write(`The wallet in ${data_dir} will use the embedded demo platform.\n`);
    if (leftover) process.stdout.write(leftover);
    return 0;
  }
  const url = values['platform-url'];
  if (!url || (!values.credentials && !values['key-id'])) {
    process.stderr.write(USAGE);
    return 2;
  }
  let creds: z.infer<typeof CredentialsFile>;
  if (values.credentials) {
    const text = readFileSync(values.credentials, 'utf8');
    if (text.length > CREDENTIALS_BYTES_MAX) throw new Error(`${values.credentials} is too large for a credentials file`);
    const parsed = CredentialsFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${values.credentials}: expected {"key_id": "...", "secret": "..."}`);
    creds = { key_id: parsed.data.key_id, secret: parsed.data.secret };
  } else {
    creds = CredentialsFile.parse({ key_id: values['key-id'], secret: readStdin() });
  }
  const leftover = strandedNote(data_dir, `${new URL(url).origin} ${creds.key_id}`);
  await usePlatform(data_dir, store, url, creds);
  process.stdout.write(`The wallet in ${data_dir} will sync with ${new URL(url).origin} as API key ${creds.key_id}.\n`);
  if (leftover) process.stdout.write(leftover);
  if (store.warning) process.stdout.write(`Note: ${store.warning}\n`);
  return 0;
}

/** What the next start will archive and leave waiting for the user, said now (issue 13). */
function strandedNote(data_dir: string, next_identity: string | null): string | null {
  const ledger = dataPaths(data_dir).ledger_db;
  if (!existsSync(ledger)) return null;
  const previous = existsSync(`${ledger}.identity`) ? readFileSync(`${ledger}.identity`, 'utf8') : null;
  if (previous !== null && previous === next_identity) return null;
  const { orders, redemptions } = unsentWorkIn(ledger);
  const waiting = orders + redemptions > 0
    ? ` Its ${orders} unsent order(s) and ${redemptions} unanswered redemption(s) are not dropped: the app lists them ("Left in an archived ledger") for you to send with the new key (same platform account only) or cancel.`
    : '';
  return `Note: the current ledger follows ${previous ?? 'an unrecorded platform key'}; at the next start it is archived (kept beside it) and a new one begins.${waiting}\n`;
}
