// Collection names and every index Waybill relies on, created at start-up (idempotent). Only what both
// FerretDB v1 and MongoDB 7 support: unique and compound indexes, no partial/TTL/sparse reliance.
import type { Db, IndexDescription } from 'mongodb';
import type {
  AwbIndexDoc,
  BookingJournalDoc,
  CourierSettingsDoc,
  ReadModelDoc,
  InboxDoc,
  NotificationDoc,
  NotificationSendDoc,
  OrderDoc,
  ShipmentDoc,
  TrackingEventDoc,
} from './types';

export const COLLECTIONS = {
  orders: 'orders',
  shipments: 'shipments',
  trackingEvents: 'tracking_events',
  awbIndex: 'awb_index',
  inbox: 'webhook_inbox',
  notifications: 'notifications',
  /** One document per provider call of a notification (notification-ledger.ts): its unique _id is the lock. */
  notificationSends: 'notification_sends',
  couriers: 'couriers',
  bookingJournal: 'booking_journal',
  /** Unfinished webhook inbox work (inbox-repo.ts): small, so the relay never scans the inbox itself. */
  inboxQueue: 'webhook_inbox_queue',
  /** Accepted webhooks on their way to the workflows, one log per API process (webhook-journal.ts). */
  journal: 'webhook_journal',
  /** One small document per journal log: how far it is delivered, who drains it. */
  journalCursors: 'webhook_journal_cursors',
  /**
   * What lists and analytics read instead of filtering the collections above: documents read by _id only
   * (src/storage/read-models, docs/data-model.md), kept by the same writes as the documents they describe.
   */
  readModels: 'read_models',
  /** Store events (outbound webhooks to the store's system, store-events.ts), each by its id. */
  storeEvents: 'store_events',
  /** The same events in order of writing, one gap-free log per worker process: what GET /api/events pages through. */
  storeEventLog: 'store_event_log',
  /** One small document per store event log (its writer, how far it is written and pruned). */
  storeEventWriters: 'store_event_writers',
  /** The store's webhook endpoints (store-endpoints-repo.ts): URL, event types, encrypted signing secrets, health. */
  storeEndpoints: 'store_endpoints',
  /** One document per endpoint × event: the delivery's status, attempts, last error and latency. */
  storeDeliveries: 'store_deliveries',
} as const;

export const INDEXES: Record<keyof typeof COLLECTIONS, IndexDescription[]> = {
  orders: [{ key: { status: 1, updatedAt: -1 }, name: 'status_updated' }, { key: { createdAt: -1, _id: -1 }, name: 'created_cursor' }],
  shipments: [
    { key: { courier: 1, status: 1 }, name: 'courier_status' },
    { key: { ndrOpen: 1, courier: 1 }, name: 'ndr_queue' },
    { key: { stuck: 1 }, name: 'stuck' },
    { key: { updatedAt: -1, _id: -1 }, name: 'updated_cursor' },
    // Analytics: a period's outcomes by status and last write.
    { key: { status: 1, updatedAt: 1 }, name: 'analytics_outcomes' },
  ],
  trackingEvents: [
    { key: { orderId: 1, occurredAt: 1 }, name: 'order_timeline' },
    // Analytics: a period's events by arrival time.
    { key: { receivedAt: 1, courier: 1 }, name: 'analytics_received' },
  ],
  // _id is `${courier}:${awb}`: unique per courier by construction.
  awbIndex: [{ key: { orderId: 1 }, name: 'order' }],
  inbox: [{ key: { status: 1, nextAttemptAt: 1 }, name: 'relay_queue' }, { key: { courier: 1, receivedAt: -1 }, name: 'courier_received' }],
  notifications: [{ key: { orderId: 1 }, name: 'order' }, { key: { status: 1, channel: 1 }, name: 'status_channel' }],
  // _id is `${orderId}:${event}:${channel}#${n}`: unique per provider call by construction.
  notificationSends: [],
  couriers: [],
  bookingJournal: [],
  inboxQueue: [{ key: { nextAttemptAt: 1 }, name: 'due' }],
  // Both read only by _id.
  journal: [],
  journalCursors: [],
  // Read by _id only.
  readModels: [],
  storeEvents: [],
  storeEventLog: [],
  storeEventWriters: [],
  storeEndpoints: [],
  storeDeliveries: [],
};

/**
 * Whether the server is FerretDB. FerretDB v1 (SQLite) uses an index only for a filter that is exactly
 * {_id: value}; any other filter, even {_id, x}, reads and decodes the whole collection (≈ 0.1 ms a
 * document). Hot-path writes that guard on a second field therefore read by _id and check in code there,
 * while MongoDB keeps the atomic guarded filter. Asked once per database handle.
 */
export async function isFerretDb(db: Db): Promise<boolean> {
  let known = FLAVOUR.get(db);
  if (!known) {
    known = db
      .command({ buildInfo: 1 })
      .then((info) => typeof info.ferretdbVersion === 'string')
      .catch(() => false);
    FLAVOUR.set(db, known);
  }
  return known;
}
const FLAVOUR = new WeakMap<Db, Promise<boolean>>();

export function collections(db: Db) {
  return {
    /** See isFerretDb: read-by-_id-then-write instead of a guarded filter. */
    idOnlyFilters: () => isFerretDb(db),
    orders: db.collection<OrderDoc>(COLLECTIONS.orders),
    shipments: db.collection<ShipmentDoc>(COLLECTIONS.shipments),
    trackingEvents: db.collection<TrackingEventDoc>(COLLECTIONS.trackingEvents),
    awbIndex: db.collection<AwbIndexDoc>(COLLECTIONS.awbIndex),
    inbox: db.collection<InboxDoc>(COLLECTIONS.inbox),
    notifications: db.collection<NotificationDoc>(COLLECTIONS.notifications),
    notificationSends: db.collection<NotificationSendDoc>(COLLECTIONS.notificationSends),
    couriers: db.collection<CourierSettingsDoc>(COLLECTIONS.couriers),
    bookingJournal: db.collection<BookingJournalDoc>(COLLECTIONS.bookingJournal),
    readModels: db.collection<ReadModelDoc>(COLLECTIONS.readModels),
  };
}
export type Collections = ReturnType<typeof collections>;

export async function ensureIndexes(db: Db): Promise<void> {
  // FerretDB v1 never answers a query from a secondary index (only an exact {_id} filter is pushed down to
  // SQL), so there a non-unique index is pure write cost on every insert and update: none is kept.
  const ferret = await isFerretDb(db);
  for (const [k, indexes] of Object.entries(INDEXES) as Array<[keyof typeof COLLECTIONS, IndexDescription[]]>) {
    const col = db.collection(COLLECTIONS[k]);
    if (ferret) {
      const existing = new Set((await col.indexes().catch(() => [])).map((i) => i.name));
      for (const index of indexes) if (!index.unique && index.name && existing.has(index.name)) await col.dropIndex(index.name);
      for (const index of indexes) if (index.unique) await col.createIndexes([index]);
      continue;
    }
    // One index per command: FerretDB v1 panics ("slice bounds out of range", connection closed) on a
    // createIndexes naming two or more indexes that all exist already, i.e. on every start but the first.
    for (const index of indexes) await col.createIndexes([index]);
  }
}
