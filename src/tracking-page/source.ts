// Where the page's data comes from. A live shipment is read from its workflow (the source of truth);
// a finished one, or one whose workflow does not answer in time (no worker, Temporal down), from the
// MongoDB projection the workflow keeps. Finished shipments never reach Temporal: a query on a closed
// workflow replays its whole history on a worker, which a page polled every few seconds must not cost.
import type { Logger } from 'pino';
import { isTerminal } from '../domain/status';
import type { ShipmentGateway } from '../shipments/gateway';
import type { ShipmentDoc } from '../storage/types';
import type { TimelineEntry } from '../workflows/shipment/contract';
import { fromProjection, fromView, type PageModel } from './model';

export interface Contact {
  email?: string;
  phone?: string;
}

/** The projection reads the page needs (MongoDB in production: storage/tracking-page-store.ts; in memory in demos). */
export interface TrackingStore {
  shipment(orderId: string): Promise<ShipmentDoc | null>;
  timeline(orderId: string): Promise<TimelineEntry[]>;
  contact(orderId: string): Promise<Contact | null>;
}

export interface SourceOptions {
  /** How long a page waits for the workflow's answer before it shows the stored copy. */
  queryTimeoutMs: number;
  log: Logger;
}

export class TrackingSource {
  constructor(
    private readonly gateway: Pick<ShipmentGateway, 'tracking'>,
    private readonly store: TrackingStore,
    private readonly o: SourceOptions,
  ) {}

  /** null: Waybill knows no shipment for this order (yet). Throws only when neither source answers. */
  async load(orderId: string): Promise<PageModel | null> {
    let stored: ShipmentDoc | null = null;
    let storeError: unknown;
    try {
      stored = await this.store.shipment(orderId);
    } catch (e) {
      storeError = e;
      this.o.log.warn({ err: e, orderId }, 'tracking page: projection unreadable; trying the workflow');
    }
    if (stored && isTerminal(stored.status)) return fromProjection(stored, await this.store.timeline(orderId));
    try {
      const view = await withTimeout(this.gateway.tracking(orderId), this.o.queryTimeoutMs);
      if (view) return fromView(view);
    } catch (e) {
      if (!stored) {
        if (storeError) throw storeError;
        // No stored copy and no answer: a shipment may exist that we cannot show; say so, do not say "none".
        throw e;
      }
      this.o.log.info({ orderId, reason: e instanceof Error ? e.message : String(e) }, 'tracking page: workflow did not answer; showing the stored copy');
    }
    if (stored) return fromProjection(stored, await this.store.timeline(orderId));
    if (storeError) throw storeError;
    return null;
  }
}

export class SourceTimeoutError extends Error {
  override readonly name = 'SourceTimeoutError';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SourceTimeoutError(`no answer within ${ms} ms`)), ms);
  });
  // The losing promise may still settle later; its rejection is handled here so it never goes unhandled.
  p.catch(() => undefined);
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
