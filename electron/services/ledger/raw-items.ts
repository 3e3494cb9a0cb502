// Raw platform events as the ledger takes them in: each becomes an item that carries its seq and
// id when it has usable ones (so a bad event can still be placed and quarantined), validated
// once, where it is applied. Nothing here touches the database.
import { isAccountEvent, parseAccountEvent } from '../../../shared/platform/event-check.js';
import type { AccountEvent } from '../../../shared/platform/events.js';

/** Longest raw text kept for a quarantined event. */
export const QUARANTINE_RAW_MAX_CHARS = 8192;

export interface Item {
  seq: number | null;
  event_id: string | null;
  event: AccountEvent | null;
  error: string | null;
  raw: unknown;
  /** False until validated (validation runs where the event is applied, in one pass over it). */
  checked: boolean;
}

function looseField(raw: unknown, name: string): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
}

export function rawText(raw: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(raw) ?? String(raw);
  } catch {
    s = String(raw);
  }
  return s.length > QUARANTINE_RAW_MAX_CHARS ? s.slice(0, QUARANTINE_RAW_MAX_CHARS) + '…' : s;
}

/** The event's seq if it has a usable one (a valid event always has), else null. */
export function looseSeq(raw: unknown): number | null {
  const seq = looseField(raw, 'seq');
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 ? seq : null;
}

/** Validates an item in place (once). */
export function check(item: Item): void {
  if (item.checked) return;
  if (isAccountEvent(item.raw)) {
    const e = item.raw as AccountEvent;
    item.event = e;
    item.event_id = e.id;
  } else {
    const full = toItem(item.raw);
    item.event = full.event;
    item.event_id = full.event_id;
    item.error = full.error;
  }
  item.checked = true;
}

export function toItem(raw: unknown): Item {
  const parsed = parseAccountEvent(raw);
  if (parsed.success) return { seq: parsed.data.seq, event_id: parsed.data.id, event: parsed.data, error: null, raw, checked: true };
  const seq = looseField(raw, 'seq');
  const id = looseField(raw, 'id');
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`);
  return {
    seq: typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 ? seq : null,
    event_id: typeof id === 'string' ? id.slice(0, 64) : null,
    event: null,
    error: `invalid event: ${issues.join('; ')}`,
    raw,
    checked: true,
  };
}

/** The event's own fields as JSON, without those stored in columns (id, seq, type, time) or sync_state (account_id). */
export function eventDetail(e: AccountEvent): string {
  const { id: _id, seq: _seq, account_id: _account, time: _time, type: _type, ...detail } = e;
  return JSON.stringify(detail);
}
