// An index of transaction ids (open addressing over typed arrays, FNV-1a hash of the characters).
// Why not a Set<string>: measured on this machine, a Set spent ~1 µs per new id (hashing fresh
// strings and growing a large table), the biggest single cost of reading a million rows.
const EMPTY = -1;

export function idHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Slot k is [position, hash] at 2k, 2k+1 (the hash kept beside it: a probe compares hashes and
 * reads an id string only when they are equal, and growing does not hash the ids again).
 */
export class IdIndex {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  /** `ids` is the caller's array of ids; the index stores positions into it. */
  constructor(private readonly ids: () => readonly string[], expected = 1024) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.slots = new Int32Array(cap * 2).fill(EMPTY);
    this.mask = cap - 1;
  }

  /** Position of `id`, or -1. */
  get(id: string): number {
    const ids = this.ids();
    const h = idHash(id) | 0;
    let i = h & this.mask;
    for (;;) {
      const v = this.slots[2 * i] as number;
      if (v === EMPTY) return -1;
      if (this.slots[2 * i + 1] === h && ids[v] === id) return v;
      i = (i + 1) & this.mask;
    }
  }

  /** Adds position `pos` (whose id is ids[pos]); returns false if the id is already there. */
  add(pos: number): boolean {
    return this.addHashed(pos, idHash(this.ids()[pos] as string));
  }

  /** add() with the id's idHash already known (computed by the thread that read it: csv-split.ts). */
  addHashed(pos: number, hash: number): boolean {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const slots = this.slots;
    const h = hash | 0;
    let i = h & this.mask;
    for (;;) {
      const v = slots[2 * i] as number;
      if (v === EMPTY) {
        slots[2 * i] = pos;
        slots[2 * i + 1] = h;
        this.count++;
        return true;
      }
      if (slots[2 * i + 1] === h) {
        const ids = this.ids();
        if (ids[v] === ids[pos]) return false;
      }
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Int32Array(cap * 2).fill(EMPTY);
    this.mask = cap - 1;
    for (let k = 0; k < old.length; k += 2) {
      const v = old[k] as number;
      if (v === EMPTY) continue;
      const h = old[k + 1] as number;
      let i = h & this.mask;
      while (this.slots[2 * i] !== EMPTY) i = (i + 1) & this.mask;
      this.slots[2 * i] = v;
      this.slots[2 * i + 1] = h;
    }
  }
}
