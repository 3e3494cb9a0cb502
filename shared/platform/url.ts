// Which platform URLs the wallet accepts: https://, or http:// only on loopback, where
// nothing crosses a network. Signed requests carry the API key id and the order bodies;
// over plain http on a network anyone on the path could read and delay them. Pure and
// Node-free: used by the IPC contract, the settings file, the CLIs and the platform client.
import { z } from 'zod';

export const PLATFORM_URL_MAX_CHARS = 2048;

/** localhost, 127.0.0.0/8 and ::1 (URL.hostname keeps IPv6 brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why this URL cannot be a platform URL, in one sentence; null when it can. */
export function platformUrlProblem(text: string): string | null {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return `platform URL ${JSON.stringify(text.slice(0, 100))} is not a URL`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `platform URL must start with https:// (got ${u.protocol}//)`;
  if (u.username !== '' || u.password !== '') return 'platform URL must not carry a user name or password';
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    return `platform URL ${u.origin} uses plain http on a network: https:// is required for a platform that is not on loopback (localhost, 127.0.0.1, ::1)`;
  }
  return null;
}

export const zPlatformUrl = z
  .string()
  .max(PLATFORM_URL_MAX_CHARS)
  .superRefine((text, ctx) => {
    const problem = platformUrlProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
