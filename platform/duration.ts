// Durations on the command line: "10m", "30s", "2h", "30d" or plain milliseconds.
export function parseDuration(text: string): number {
  const m = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(text);
  if (!m) throw new Error(`bad duration ${JSON.stringify(text)} (e.g. 10m, 30s, 2h, 30d)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

