// Seeded PRNG (mulberry32) and helpers: the simulator is deterministic for a given seed.
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[Math.floor(this.next() * xs.length)]!;
  }
}

/**
 * The fair price process: face value × (1 + premium), where the premium mean-reverts to
 * a target that itself drifts slowly (the market's changing view of future demand).
 * Prices here are simulation parameters (JS numbers), turned into whole ticks before
 * they reach the core.
 */
export class FairValue {
  premium: number;
  target: number;
  constructor(
    private readonly rng: Rng,
    readonly face_ticks: number,
    premium = 0.15,
  ) {
    this.premium = premium;
    this.target = premium;
  }
  step(dt_s: number): number {
    const k = Math.min(1, dt_s / 600);
    this.target = Math.min(0.8, Math.max(-0.1, this.target + this.rng.normal() * 0.01 * Math.sqrt(k)));
    this.premium += (this.target - this.premium) * 0.2 * k + this.rng.normal() * 0.04 * Math.sqrt(k);
    this.premium = Math.min(1.5, Math.max(-0.5, this.premium));
    return this.ticks();
  }
  ticks(): number {
    return Math.max(1, Math.round(this.face_ticks * (1 + this.premium)));
  }
}
