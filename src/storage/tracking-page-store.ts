// The projection reads the customer tracking page makes (src/tracking-page/source.ts, TrackingStore),
// every one by _id: the stored shipment, the order's timeline (its `tl:` read model, then each event;
// the plain query on `tracking_events` until the read models are ready) and the customer's contact.
import type { Collections } from './collections';
import { orderTimeline } from './read-models/read';
import type { ShipmentDoc, TrackingEventDoc } from './types';

/** Longest timeline a page shows; a real shipment has tens of scans. */
const MAX_EVENTS = 300;

export interface OrderContact {
  email?: string;
  phone?: string;
}

export class MongoTrackingStore {
  constructor(private readonly cols: Pick<Collections, 'orders' | 'shipments' | 'trackingEvents' | 'readModels'>) {}

  shipment(orderId: string): Promise<ShipmentDoc | null> {
    return this.cols.shipments.findOne({ _id: orderId });
  }

  /** Newest first. By _id only once the read models are ready: the events collection is the largest. */
  async timeline(orderId: string): Promise<TrackingEventDoc[]> {
    return (await orderTimeline(this.cols, orderId, MAX_EVENTS)).reverse();
  }

  async contact(orderId: string): Promise<OrderContact | null> {
    const o = await this.cols.orders.findOne({ _id: orderId }, { projection: { customer: 1 } });
    return o ? { ...(o.customer?.email ? { email: o.customer.email } : {}), ...(o.customer?.phone ? { phone: o.customer.phone } : {}) } : null;
  }
}
