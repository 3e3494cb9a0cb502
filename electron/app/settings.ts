// User settings (settings.json in the data folder). A damaged file is reported and
// ignored rather than crashing the app or being overwritten.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { zPlatformUrl } from '../../shared/platform/url.js';
import { MethodOrder, zFilingStatus, zMintBasis } from '../../shared/contract/tax.js';
import { Preferences } from '../../shared/contract/preferences.js';

export const Settings = z.strictObject({
  /** The platform to sync with; absent = the embedded demo platform. */
  platform_url: zPlatformUrl.optional(),
  /** Tax lot method standing orders (append-only) and report policies. */
  tax: z
    .strictObject({
      method_orders: z.array(MethodOrder).max(100).default([]),
      mint_basis: zMintBasis.default('allocated'),
      wash_sale: z.boolean().default(false),
      digital_asset: z.boolean().default(false),
      filing_status: zFilingStatus.default('single'),
    })
    .optional(),
  /** Display preferences (electron/app/preferences.ts); a field absent = its default. */
  preferences: Preferences.partial().optional(),
});
export type Settings = z.infer<typeof Settings>;

export function loadSettings(file: string): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON; fix or remove it`);
  }
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return parsed.data;
}

/** Writes settings atomically (temp file + rename), readable only by the user. */
export function saveSettings(file: string, settings: Settings): void {
  const checked = Settings.parse(settings);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(checked, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}
