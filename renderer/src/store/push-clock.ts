// A load (request → answer) races the pushes of the same domain: a push sent while the request
// is in flight is newer than the answer. Each store counts its pushes so that an answer that
// arrives after a newer push never overwrites it (a status stuck on "Syncing" was this race).
export class PushClock {
  private pushes = 0;

  /** Called for every push of this domain, before it is applied. */
  tick(): void {
    this.pushes += 1;
  }

  /** A push listener that counts the push, then applies it. */
  pushed<P>(apply: (payload: P) => void): (payload: P) => void {
    return (payload) => {
      this.tick();
      apply(payload);
    };
  }

  /** Runs `fetch`; `stale` is true when a push arrived while it was in flight. */
  async load<T>(fetch: () => Promise<T>): Promise<{ value: T; stale: boolean }> {
    const before = this.pushes;
    const value = await fetch();
    return { value, stale: this.pushes !== before };
  }
}
