// A store's receiver for Waybill's store events, as a store developer would write it: verify the
// signature on the raw body, then apply the event to the store's own `orders` collection, once.
//
// One document per order (`_id` = the order id). Every read and write names the document by `_id`
// alone and updates with plain $set/$push, so it runs the same on MongoDB and on FerretDB v1.
//
// Exactly once: `lastSequence` is written in the same single-document update as the change, so an
// event is either applied with its sequence or not at all; an event at or below `lastSequence` is a
// repeat (Waybill retries until it gets a 2xx) and is acknowledged without change. Waybill sends one
// order's events one after another; this process also runs one order's requests one at a time, so a
// retry that arrives while the first attempt is still being applied waits and then finds it applied.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Collection, Db } from 'mongodb';
import { parseStoreEvent, WebhookVerificationError, type StoreEventPayload } from '../../src/client';

export const WEBHOOK_PATH = '/waybill/webhooks';
/** The version of the payload this receiver understands (`version` in every event). */
export const SUPPORTED_VERSION = 1;

export interface StatusLogEntry {
  type: string;
  from: string;
  to: string;
  orderStatus: string;
  source: string;
  courierStatus?: string;
  location?: string;
  at: string;
  eventId: string;
}

export interface LabelInfo {
  courier?: string;
  awb?: string;
  trackingUrl?: string;
  trackingPageUrl?: string;
  courierStatus?: string;
  location?: string;
  /** When Waybill last told us about this shipment. */
  lastSyncAt?: string;
}

export interface NdrInfo {
  open: boolean;
  reason?: string;
  courierReasonCode?: string;
  courierReasonText?: string;
  attempts?: number;
  openedAt?: string;
  deadlineAt?: string;
  answer?: { action: string; by: string; sentToCourier: boolean; courierReference?: string; error?: string; at: string };
  resolvedAt?: string;
  /** The shipment status that closed it. */
  resolvedStatus?: string;
}

export interface StoreOrder {
  _id: string;
  /** The order status the store shows (processing, shipped, out_for_delivery, delivered, …). */
  status?: string;
  statusLog?: StatusLogEntry[];
  label?: LabelInfo;
  ndr?: NdrInfo;
  lastSequence?: number;
  updatedAt?: string;
}

export interface ReceiverOptions {
  db: Db;
  /** The endpoint's secrets (`whsec_…`): the current one, plus the previous one while a rotation overlaps. */
  secrets: string[];
  /** Signature timestamp tolerance, seconds (default 300). */
  toleranceSeconds?: number;
  now?: () => Date;
}

export function createReceiver(o: ReceiverOptions): Express {
  if (o.secrets.length === 0) throw new Error('createReceiver: at least one webhook secret is needed');
  const orders = o.db.collection<StoreOrder>('orders');
  const now = o.now ?? (() => new Date());
  const perOrder = new KeyedQueue();

  const app = express();
  app.disable('x-powered-by');
  // The raw bytes: the signature covers them exactly, so the JSON must not be parsed and re-serialised first.
  app.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: '256kb' }), async (req: Request, res: Response) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let event: StoreEventPayload;
    try {
      event = parseStoreEvent(req.headers, body, o.secrets, { now: now(), ...(o.toleranceSeconds !== undefined ? { toleranceSeconds: o.toleranceSeconds } : {}) });
    } catch (e) {
      // Nothing is read or written for a request that does not verify.
      if (e instanceof WebhookVerificationError) return void res.status(400).json({ error: 'invalid_signature', reason: e.reason });
      if (e instanceof SyntaxError) return void res.status(400).json({ error: 'invalid_json' });
      throw e;
    }
    // Signed by Waybill, so well-formed unless something is badly wrong; still, never crash on it.
    if (typeof event !== 'object' || event === null || typeof event.orderId !== 'string' || !event.orderId || !Number.isSafeInteger(event.sequence) || event.sequence < 1) {
      return void res.status(400).json({ error: 'invalid_event' });
    }
    if (event.version !== SUPPORTED_VERSION) {
      // A payload this code does not understand: refuse it (Waybill keeps it and retries) rather than
      // skip past it; deploy a receiver that knows the new version.
      return void res.status(422).json({ error: 'unsupported_version', version: event.version });
    }
    const outcome = await perOrder.run(event.orderId, () => applyEvent(orders, event, now()));
    res.status(200).json({ outcome });
  });
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: unknown }).status;
    // Body parser errors (too large, aborted) carry a 4xx; anything else (the database) is a 500, and Waybill retries.
    if (typeof status === 'number' && status >= 400 && status < 500) return void res.status(status).json({ error: 'bad_request' });
    console.error('store-receiver: could not apply a Waybill event', err);
    res.status(500).json({ error: 'internal' });
  });
  return app;
}

export type ApplyOutcome = 'applied' | 'duplicate';

/** Applies one verified event to the order's document: one read and at most one write, both by `_id`. */
export async function applyEvent(orders: Collection<StoreOrder>, e: StoreEventPayload, at: Date): Promise<ApplyOutcome> {
  const current = await orders.findOne({ _id: e.orderId });
  if (current && (current.lastSequence ?? 0) >= e.sequence) return 'duplicate';

  const set: Partial<StoreOrder> = { lastSequence: e.sequence, updatedAt: at.toISOString() };
  let log: StatusLogEntry | undefined;
  const label: LabelInfo = { ...current?.label, lastSyncAt: e.timestamp };
  switch (e.type) {
    case 'shipment.booked': {
      const d = e.data;
      Object.assign(label, { courier: d.courier, awb: d.awb, trackingUrl: d.trackingUrl }, d.trackingPageUrl ? { trackingPageUrl: d.trackingPageUrl } : {});
      set.label = label;
      break;
    }
    case 'shipment.status_changed':
    case 'shipment.delivered':
    case 'shipment.rto_started':
    case 'shipment.rto_delivered':
    case 'shipment.cancelled':
    case 'shipment.lost':
    case 'shipment.damaged': {
      // A milestone (delivered, rto_started, …) repeats the data of the status change just before it: it
      // sets the same status again, and is logged under its own type (a store subscribed to milestones
      // only still gets the status).
      const d = e.data;
      set.status = d.orderStatus;
      if (d.courierStatus !== undefined) label.courierStatus = d.courierStatus;
      if (d.location !== undefined) label.location = d.location;
      set.label = label;
      log = {
        type: e.type,
        from: d.from,
        to: d.to,
        orderStatus: d.orderStatus,
        source: d.source,
        ...(d.courierStatus !== undefined ? { courierStatus: d.courierStatus } : {}),
        ...(d.location !== undefined ? { location: d.location } : {}),
        at: d.at,
        eventId: e.id,
      };
      break;
    }
    case 'ndr.opened': {
      const d = e.data;
      // A new attempt's NDR replaces the previous one (its answer and resolution included).
      set.ndr = {
        open: true,
        reason: d.reason,
        courierReasonCode: d.courierReasonCode,
        courierReasonText: d.courierReasonText,
        attempts: d.attempts,
        openedAt: e.timestamp,
        deadlineAt: d.deadlineAt,
      };
      break;
    }
    case 'ndr.answered': {
      const d = e.data;
      set.ndr = {
        ...(current?.ndr ?? { open: true }),
        answer: {
          action: d.action,
          by: d.by,
          sentToCourier: d.sentToCourier,
          ...(d.courierReference !== undefined ? { courierReference: d.courierReference } : {}),
          ...(d.error !== undefined ? { error: d.error } : {}),
          at: e.timestamp,
        },
      };
      break;
    }
    case 'ndr.resolved': {
      const d = e.data;
      set.ndr = { ...(current?.ndr ?? {}), open: false, attempts: d.attempts, resolvedAt: e.timestamp, resolvedStatus: d.status };
      break;
    }
    default:
      // A type this code does not know yet (same version, new type): take its sequence, change nothing else.
      break;
  }
  // Upsert: in a real store the order exists already; here the example also runs on an empty database.
  await orders.updateOne({ _id: e.orderId }, log ? { $set: set, $push: { statusLog: log } } : { $set: set }, { upsert: true });
  return 'applied';
}

/** Runs tasks one at a time per key (here: per order), in arrival order; keys do not wait on each other. */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
