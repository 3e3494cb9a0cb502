// Typed push events from the main process to the renderer, validated before they leave,
// fanned out to every connected host (the Electron window and/or browser-mode sockets).
import {
  walletEvents,
  type WalletEventName,
  type WalletEventPayload,
} from '../../shared/contract/wallet-api.js';

export type EventSink = (event: WalletEventName, payload: unknown) => void;

/** Bound on subscribers: each host registers one sink per window or socket. */
/** Events that carry a whole state (replayed to a host that connects late); the others are
 *  increments (deltas, new trades, changed orders) that only make sense in order, live. */
const STATE_EVENTS: ReadonlySet<WalletEventName> = new Set<WalletEventName>(['status', 'market', 'portfolio', 'compute', 'tax', 'preferences']);

const SINKS_MAX = 64;

export class WalletEventBus {
  private readonly sinks = new Set<EventSink>();
  private readonly last = new Map<WalletEventName, unknown>();

  subscribe(sink: EventSink): () => void {
    if (this.sinks.size >= SINKS_MAX) throw new Error(`too many event subscribers (max ${SINKS_MAX})`);
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends WalletEventName>(event: E, payload: WalletEventPayload<E>): void {
    const checked = walletEvents[event].parse(payload); // a bad payload is a bug here: throw
    if (STATE_EVENTS.has(event)) this.last.set(event, checked);
    for (const sink of this.sinks) sink(event, checked);
  }

  /** The latest value of each state event, replayed to a host that connects late. */
  snapshot(): [WalletEventName, unknown][] {
    return [...this.last.entries()];
  }
}
