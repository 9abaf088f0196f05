// Store events: derived from the state when the projection is written (the same step as the change:
// journal.ts), then delivered to each endpoint that wants them, one chain per endpoint beside the main
// loop: an endpoint gets an order's events one at a time, in order, and a slow or dead endpoint holds up
// neither another endpoint nor the shipment. Each delivery retries for up to `giveUpHours` (Temporal
// retries the activity, which names the delay: its backoff or the endpoint's Retry-After); a 410 or an endpoint disabled for failing drops the rest of that
// endpoint's queue (the events stay in the feed for catch-up and replay). Queues travel in the state, so
// the next run after continue-as-new resumes them; the delivery record makes a repeat harmless.
import { log, proxyActivities } from '@temporalio/workflow';
import type { ShipmentActivities } from '../../activities';
import { initialStoreEventMarks, storeEventsSince, type StoreEvent, type StoreEventMarks } from '../../domain/store-events';
import type { ShipmentOptions } from './contract';
import { failureMessage } from './failures';
import type { ShipmentState } from './state';

export interface StoreOutboxState {
  marks: StoreEventMarks;
  /** Derived, not yet in the feed (written with the next projection write). */
  unwritten: StoreEvent[];
  /** Endpoint id → events still to deliver there, oldest first. */
  queues: Record<string, StoreEvent[]>;
}

export const DEFAULT_STORE_DELIVERY = { giveUpHours: 72 };

export class StoreOutbox {
  private enabled = false;
  private readonly running = new Set<string>();
  private readonly deliver: ShipmentActivities['deliverStoreEvent'];

  constructor(
    private readonly s: ShipmentState,
    opts: ShipmentOptions['storeDelivery'],
  ) {
    const o = { ...DEFAULT_STORE_DELIVERY, ...opts };
    this.deliver = proxyActivities<ShipmentActivities>({
      startToCloseTimeout: '30 seconds',
      scheduleToCloseTimeout: `${o.giveUpHours} hours`,
      // The activity names each retry's delay itself (its backoff, or the endpoint's Retry-After); this
      // policy only spaces retries after a crash or a timeout.
      retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    }).deliverStoreEvent;
  }

  /**
   * From here on events are derived and delivered (runs whose history predates the feature never call
   * this). A state carried from such a run starts caught up: what it did before is not told again.
   */
  enable(nowIso: string): void {
    this.enabled = true;
    if (!this.s.store) {
      const fresh = this.s.machine.transitions.length === 0 && this.s.booking.state === 'pending';
      const marks = fresh ? initialStoreEventMarks() : storeEventsSince(this.s, initialStoreEventMarks(), nowIso).marks;
      this.s.store = { marks, unwritten: [], queues: {} };
    }
  }

  /** Derives what changed since the last call; true when there is something to write. */
  derive(nowIso: string): boolean {
    const st = this.s.store;
    if (!this.enabled || !st) return false;
    const { events, marks } = storeEventsSince(this.s, st.marks, nowIso);
    st.marks = marks;
    st.unwritten.push(...events);
    return st.unwritten.length > 0;
  }

  get unwritten(): StoreEvent[] {
    return this.enabled ? (this.s.store?.unwritten ?? []) : [];
  }

  /** The projection write carried `written`; queue each to the endpoints that want it. */
  written(written: StoreEvent[], subscribers: Record<string, string[]> | undefined): void {
    const st = this.s.store;
    if (!st || written.length === 0) return;
    const ids = new Set(written.map((e) => e.id));
    st.unwritten = st.unwritten.filter((e) => !ids.has(e.id));
    for (const [endpointId, eventIds] of Object.entries(subscribers ?? {})) {
      const wanted = new Set(eventIds);
      const events = written.filter((e) => wanted.has(e.id));
      if (events.length === 0) continue;
      (st.queues[endpointId] ??= []).push(...events);
      this.pump(endpointId);
    }
  }

  resume(): void {
    if (!this.enabled) return;
    for (const endpointId of Object.keys(this.s.store?.queues ?? {})) this.pump(endpointId);
  }

  /** No delivery is running. */
  get idle(): boolean {
    return this.running.size === 0;
  }

  private pump(endpointId: string): void {
    const st = this.s.store;
    if (!st || this.running.has(endpointId)) return;
    const head = st.queues[endpointId]?.[0];
    if (!head) {
      delete st.queues[endpointId];
      return;
    }
    this.running.add(endpointId);
    this.deliver({ endpointId, event: head })
      .then((r) => {
        if (r.outcome === 'gone' || r.outcome === 'disabled' || (r.outcome === 'skipped' && r.reason === 'endpoint deleted')) {
          // Nothing more goes there until an admin acts; the feed keeps every event for replay.
          log.warn('store endpoint stopped taking events: its queue for this order is dropped', { orderId: this.s.orderId, endpointId, reason: r.reason, dropped: st.queues[endpointId]?.length });
          delete st.queues[endpointId];
        } else st.queues[endpointId]?.shift();
      })
      .catch((err) => {
        // Gave up after the retry budget; the delivery record and the feed keep it for ops to replay.
        log.warn('store event delivery abandoned', { orderId: this.s.orderId, endpointId, eventId: head.id, error: failureMessage(err) });
        st.queues[endpointId]?.shift();
      })
      .finally(() => {
        this.running.delete(endpointId);
        this.pump(endpointId);
      });
  }
}
