// Delivers one inbox document: each AWB's events go to its order's workflow as a courierEvent signal.
// An AWB nobody has booked yet stays 'unmatched' and Temporal being down leaves work 'pending'; both are
// retried by the relay with backoff. Signalling twice (a crash between signal and bookkeeping) is safe:
// the workflow dedupes events by key.
import type { Logger } from 'pino';
import { ShipmentGatewayError, type ShipmentGateway } from '../shipments/gateway';
import type { AwbIndexRepo } from '../storage/awb-index-repo';
import { mapLimit } from '../lib/map-limit';
import { overallStatus, type InboxDelivery, type InboxRecord, type InboxRepo } from '../storage/inbox-repo';
import type { JournalItem } from '../storage/webhook-journal';

export interface RetryPolicy {
  /** First retry delay; doubles per attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An AWB still unknown after this long is given up ('rejected'): it is not one of ours. */
  giveUpUnmatchedAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, giveUpUnmatchedAfterMs: 7 * 24 * 3_600_000 };

export interface DeliveryRun {
  status: InboxRecord['status'];
  /** Temporal did not answer: callers stop sending more work its way for now. */
  temporalUnavailable: boolean;
}

export interface BatchRun {
  temporalUnavailable: boolean;
  /** Items settled as delivered, and items handed to the retry queue (unmatched AWB, a failed signal). */
  delivered: number;
  queued: number;
  /** Ids of the items left undelivered because Temporal did not answer (empty unless temporalUnavailable). */
  remaining: string[];
}

export interface DelivererDeps {
  inbox: InboxRepo;
  awbs: AwbIndexRepo;
  gateway: Pick<ShipmentGateway, 'signalEvents' | 'tracking'>;
  log: Logger;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
}

/** Events one courierEvent signal carries at most when the drainer merges an order's webhooks (payload size). */
export const MAX_EVENTS_PER_SIGNAL = 100;

/** Consecutive runs of `parts` whose event counts add up to at most `max` (a part larger than max runs alone). */
export function chunkByEvents(parts: ReadonlyArray<{ k: number; events: number }>, max: number): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let n = 0;
  for (const p of parts) {
    if (cur.length && n + p.events > max) {
      out.push(cur);
      cur = [];
      n = 0;
    }
    cur.push(p.k);
    n += p.events;
  }
  if (cur.length) out.push(cur);
  return out;
}

export class InboxDeliverer {
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;

  constructor(private readonly d: DelivererDeps) {
    this.now = d.now ?? Date.now;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...d.retry };
    this.random = d.random ?? Math.random;
  }

  async deliver(doc: InboxRecord): Promise<DeliveryRun> {
    let temporalUnavailable = false;
    const deliveries: InboxDelivery[] = [];
    for (const d of doc.deliveries) {
      if (d.status === 'delivered' || d.status === 'rejected' || temporalUnavailable) {
        deliveries.push(d);
        continue;
      }
      const outcome = await this.deliverOne(doc, d);
      temporalUnavailable = outcome.unavailable;
      deliveries.push(outcome.delivery);
    }
    const attempts = doc.attempts + 1;
    const expired = this.now() - Date.parse(doc.receivedAt) > this.retry.giveUpUnmatchedAfterMs;
    const settled = expired ? deliveries.map((x) => (x.status === 'unmatched' ? { ...x, status: 'rejected' as const, lastError: 'AWB never matched an order' } : x)) : deliveries;
    const status = overallStatus(settled);
    const nextAttemptAt = new Date(this.now() + (status === 'pending' || status === 'unmatched' ? this.delay(attempts) : 0)).toISOString();
    await this.d.inbox.saveOutcome(doc, { deliveries: settled, status, attempts, nextAttemptAt });
    if (status === 'rejected' || (status === 'unmatched' && attempts === 1)) {
      this.d.log.warn({ inboxId: doc._id, courier: doc.courier, awbs: settled.filter((x) => x.status !== 'delivered').map((x) => x.awb), status }, 'webhook events not delivered');
    }
    return { status, temporalUnavailable };
  }

  /**
   * Delivers a batch of journal items. Each order's deliveries are signalled one after another in
   * journal order, different orders side by side. Items delivered in full are settled with one write;
   * the rest go to the retry queue with backoff (the relay's work). When Temporal does not answer, the
   * batch stops early: what got through is settled, the rest is answered in `remaining` for the caller to
   * retry later (a signal sent twice is harmless: the workflow dedupes events by key).
   */
  async deliverBatch(items: readonly JournalItem[], concurrency: number): Promise<BatchRun> {
    const work = items.flatMap((item) => item.deliveries.map((delivery, i) => ({ item, delivery, i })));
    // AWB → order first (cached per process): chains are per order, so the order must be known.
    const orderIds = await mapLimit(work, concurrency, (w) => (w.delivery.orderId ? Promise.resolve(w.delivery.orderId) : this.d.awbs.orderFor(w.item.courier, w.delivery.awb)));
    const chains = new Map<string, number[]>();
    const outcomes: Array<InboxDelivery | undefined> = new Array<InboxDelivery | undefined>(work.length);
    work.forEach((w, k) => {
      const orderId = orderIds[k];
      if (!orderId) {
        outcomes[k] = { ...w.delivery, status: 'unmatched', attempts: w.delivery.attempts + 1, lastError: 'AWB not known yet' };
        return;
      }
      chains.set(orderId, [...(chains.get(orderId) ?? []), k]);
    });
    let unavailable = false;
    await mapLimit([...chains], concurrency, async ([orderId, ks]) => {
      // One signal carries all of an order's webhooks in the batch (in journal order, up to a bound): a
      // burst then costs Temporal one signal, one workflow task and one projection write per order, not
      // per webhook. The workflow dedupes and orders events itself.
      for (const chunk of chunkByEvents(ks.map((k) => ({ k, events: work[k]!.delivery.events.length })), MAX_EVENTS_PER_SIGNAL)) {
        if (unavailable) return;
        const first = work[chunk[0]!]!;
        const merged: InboxDelivery = { ...first.delivery, orderId, events: chunk.flatMap((k) => work[k]!.delivery.events) };
        const out = await this.deliverOne({ _id: first.item.id, courier: first.item.courier, receivedAt: first.item.receivedAt }, merged);
        if (out.unavailable) unavailable = true;
        for (const k of chunk) {
          const { lastError: _drop, deliveredAt: _at, ...d } = work[k]!.delivery;
          const { status, lastError, deliveredAt } = out.delivery;
          outcomes[k] = { ...d, orderId, status, attempts: d.attempts + 1, ...(lastError ? { lastError } : {}), ...(deliveredAt ? { deliveredAt } : {}) };
        }
      }
    });
    const settled: Array<{ id: string; deliveries: InboxDelivery[] }> = [];
    const retry: Array<{ item: JournalItem; deliveries: InboxDelivery[] }> = [];
    const remaining: string[] = [];
    let k = 0;
    for (const item of items) {
      const deliveries = item.deliveries.map(() => outcomes[k++]);
      if (deliveries.every((d) => d?.status === 'delivered')) settled.push({ id: item.id, deliveries: deliveries as InboxDelivery[] });
      // Not reached, or refused because Temporal did not answer: it stays in the journal for the next try.
      else if (unavailable && deliveries.some((d) => d === undefined || (d.status === 'pending' && d.lastError === 'Temporal unreachable'))) remaining.push(item.id);
      else retry.push({ item, deliveries: deliveries as InboxDelivery[] });
    }
    // What did get through is settled even when the batch stopped early, so a retry does not redo it.
    await this.d.inbox.markDelivered(settled);
    await mapLimit(retry, concurrency, async ({ item, deliveries }) => {
      const status = overallStatus(deliveries);
      const nextAttemptAt = new Date(this.now() + (status === 'pending' || status === 'unmatched' ? this.delay(1) : 0)).toISOString();
      await this.d.inbox.saveOutcome({ _id: item.id, courier: item.courier, receivedAt: item.receivedAt }, { deliveries, status, attempts: 1, nextAttemptAt });
      this.d.log.info({ inboxId: item.id, courier: item.courier, awbs: deliveries.filter((x) => x.status !== 'delivered').map((x) => x.awb), status }, 'webhook events left for the relay');
    });
    return { temporalUnavailable: unavailable, delivered: settled.length, queued: retry.length, remaining };
  }

  private async deliverOne(doc: Pick<InboxRecord, '_id' | 'courier' | 'receivedAt'>, d: InboxDelivery): Promise<{ delivery: InboxDelivery; unavailable: boolean }> {
    const attempts = d.attempts + 1;
    const orderId = d.orderId ?? (await this.d.awbs.orderFor(doc.courier, d.awb));
    if (!orderId) return { delivery: { ...d, status: 'unmatched', attempts, lastError: 'AWB not known yet' }, unavailable: false };
    try {
      await this.d.gateway.signalEvents(orderId, { events: d.events, source: 'webhook', receivedAt: doc.receivedAt, inboxId: doc._id });
      const { lastError: _drop, ...rest } = d;
      return { delivery: { ...rest, orderId, status: 'delivered', attempts, deliveredAt: new Date(this.now()).toISOString() }, unavailable: false };
    } catch (e) {
      if (e instanceof ShipmentGatewayError && e.kind === 'finished' && (await this.inFinalTimeline(orderId, d))) {
        // An earlier attempt's signal did land (its answer was lost: a timeout, a crash before the
        // bookkeeping) and the shipment has since closed: the events are in its timeline, so delivered.
        const { lastError: _drop, ...rest } = d;
        return { delivery: { ...rest, orderId, status: 'delivered', attempts, deliveredAt: new Date(this.now()).toISOString() }, unavailable: false };
      }
      if (e instanceof ShipmentGatewayError && (e.kind === 'finished' || e.kind === 'not_found')) {
        // A scan after the shipment closed (or its history expired) changes nothing: keep it, stop trying.
        return { delivery: { ...d, orderId, status: 'rejected', attempts, lastError: e.message }, unavailable: false };
      }
      const unavailable = e instanceof ShipmentGatewayError && e.kind === 'unavailable';
      if (!unavailable) this.d.log.error({ err: e, inboxId: doc._id, orderId }, 'webhook delivery failed');
      return { delivery: { ...d, orderId, status: 'pending', attempts, lastError: unavailable ? 'Temporal unreachable' : 'delivery failed' }, unavailable };
    }
  }

  /** Whether a closed shipment's timeline already holds every event of this delivery (queried, not assumed). */
  private async inFinalTimeline(orderId: string, d: InboxDelivery): Promise<boolean> {
    const view = await this.d.gateway.tracking(orderId).catch(() => null);
    if (!view) return false;
    const keys = new Set(view.timeline.map((t) => t.key));
    return d.events.every((e) => keys.has(e.key));
  }

  /** Exponential with ±20 % jitter, so a backlog does not come back as one burst. */
  private delay(attempts: number): number {
    const raw = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(raw * (0.8 + 0.4 * this.random()));
  }
}
