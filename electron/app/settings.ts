// User settings (settings.json in the data folder). A damaged file is reported and
// ignored rather than crashing the app or being overwritten.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const Settings = z.strictObject({
  /** The platform to sync with; absent = the embedded demo platform. */
  platform_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
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
