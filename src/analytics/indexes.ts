// Indexes the analytics reads need on top of src/storage/collections.ts's: a period's events are found
// by arrival time, and a period's outcomes by status and last write. Plain compound indexes, which
// FerretDB v1 and MongoDB 7 both build. Idempotent; run at API start-up.
import type { Db, IndexDescription } from 'mongodb';
import { COLLECTIONS } from '../storage/collections';

export const ANALYTICS_INDEXES: Array<{ collection: string; indexes: IndexDescription[] }> = [
  { collection: COLLECTIONS.trackingEvents, indexes: [{ key: { receivedAt: 1, courier: 1 }, name: 'analytics_received' }] },
  { collection: COLLECTIONS.shipments, indexes: [{ key: { status: 1, updatedAt: 1 }, name: 'analytics_outcomes' }] },
];

export async function ensureAnalyticsIndexes(db: Db): Promise<void> {
  for (const { collection, indexes } of ANALYTICS_INDEXES) await db.collection(collection).createIndexes(indexes);
}
