// Command-line options shared by the desktop shell and browser mode.
import { z } from 'zod';
import { zPlatformUrl } from '../../shared/platform/url.js';

export const AppArgs = z.strictObject({
  data_dir: z.string().min(1).max(4096).optional(),
  platform_url: zPlatformUrl.optional(),
  web: z.boolean().default(false),
  port: z.number().int().min(0).max(65535).default(0),
});
export type AppArgs = z.infer<typeof AppArgs>;

/** Parses our flags; Chromium's own switches (Electron passes them through) are ignored. */
export function parseAppArgs(argv: readonly string[]): AppArgs {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--data-dir') out.data_dir = value();
    else if (flag === '--platform-url') out.platform_url = value();
    else if (flag === '--web') out.web = true;
    else if (flag === '--port') {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`--port must be a number, got ${JSON.stringify(v)}`);
      out.port = Number(v);
    }
  }
  const parsed = AppArgs.safeParse(out);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`--${String(i.path[0]).replace('_', '-')}: ${i.message}`);
  }
  return parsed.data;
}
