// One assertion for invariants in production code (TigerBeetle style): a failed assert is a
// bug, never an expected condition, so it throws and is never caught to carry on.
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new AssertionError(`invariant violated: ${message}`);
}
