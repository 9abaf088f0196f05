// A shipment worker in its own process, for the worker-kill test: production workflow and activities
// over the MongoDB projection store and notification ledger. What a real courier and provider would
// remember across our crash (bookings, published scans, messages received) lives in MongoDB too, so a
// restarted worker meets the same outside world.
//   env: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, MONGO_URI, MONGO_DB, TASK_QUEUE, WORKFLOW_BUNDLE (code path)
import { NativeConnection, Worker, DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities, type NotificationSender, type OutgoingMessage } from '../../src/activities';
import { StaticCourierClients } from '../../src/couriers/clients';
import type { Booking, CourierClient, CreateShipmentRequest, ShipmentRef, TrackingEvent, TrackResult } from '../../src/couriers/types';
import { connectMongo } from '../../src/storage/mongo';
import { MongoNotificationLedger } from '../../src/storage/notification-ledger';
import { MongoProjectionStore } from '../../src/storage/projection-store';
import type { Db } from 'mongodb';

export const CHILD_COLLECTIONS = { bookings: 'sim_courier_bookings', scans: 'sim_courier_scans', messages: 'sim_provider_messages' } as const;

/** A courier whose bookings and published scans are documents: it survives our worker's death. */
class DurableFakeCourier implements CourierClient {
  readonly id = 'delhivery' as const;
  readonly capabilities = { ndrActions: true, cancel: true, bulkTrackLimit: 50 };
  constructor(private readonly db: Db) {}
  async checkServiceability() {
    return { serviceable: true, cod: true, prepaid: true };
  }
  async createShipment(req: CreateShipmentRequest): Promise<Booking> {
    const awb = `DLV${req.orderId.replace(/[^0-9A-Za-z]/g, '')}`;
    const col = this.db.collection<{ _id: string; awb: string; creates: number }>(CHILD_COLLECTIONS.bookings);
    const doc = await col.findOneAndUpdate({ _id: req.orderId }, { $setOnInsert: { awb }, $inc: { creates: 1 } }, { upsert: true, returnDocument: 'after' });
    return { awb: doc?.awb ?? awb, trackingUrl: `https://track.example/${awb}`, recovered: (doc?.creates ?? 1) > 1 };
  }
  private async answer(awb: string): Promise<TrackResult> {
    const events = (await this.db.collection<{ awb: string; event: TrackingEvent }>(CHILD_COLLECTIONS.scans).find({ awb }).toArray()).map((d) => d.event);
    return events.length === 0 ? { kind: 'not_yet', awb } : { kind: 'tracked', awb, status: events.at(-1)?.status ?? null, events };
  }
  track(ref: ShipmentRef) {
    return this.answer(ref.awb);
  }
  async trackMany(refs: ShipmentRef[]) {
    return Object.fromEntries(await Promise.all(refs.map(async (r) => [r.awb, await this.answer(r.awb)] as const)));
  }
  async cancel() {
    return { cancelled: true };
  }
  async ndrAction() {
    return { accepted: true };
  }
}

/** A provider that takes a while to accept (so a kill can land mid-send) and dedupes by idempotency key. */
class SlowDedupingProvider implements NotificationSender {
  constructor(private readonly db: Db) {}
  async send(m: OutgoingMessage) {
    await new Promise((r) => setTimeout(r, 700));
    const col = this.db.collection<{ _id: string; deliveries: number; event: string; channel: string; orderId: string }>(CHILD_COLLECTIONS.messages);
    await col.updateOne({ _id: m.idempotencyKey }, { $setOnInsert: { event: m.event, channel: m.channel, orderId: m.orderId }, $inc: { deliveries: 1 } }, { upsert: true });
    return { providerMessageId: `prov-${m.idempotencyKey}` };
  }
}

async function main(): Promise<void> {
  const env = (k: string) => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is required`);
    return v;
  };
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const mongo = await connectMongo(env('MONGO_URI'), env('MONGO_DB'), { ensureIndexes: false });
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const activities = createActivities({
    couriers: new StaticCourierClients({ delhivery: new DurableFakeCourier(mongo.db) }),
    store: new MongoProjectionStore(mongo.cols),
    ledger: new MongoNotificationLedger(mongo.cols),
    sender: new SlowDedupingProvider(mongo.db),
    clock: { now: () => Date.now() },
    config: { pickupPincode: '400001', adminEmail: 'ops@store.example', trackBatchWindowMs: 20 },
  });
  const worker = await Worker.create({
    connection,
    namespace: env('TEMPORAL_NAMESPACE'),
    taskQueue: env('TASK_QUEUE'),
    workflowBundle: { codePath: env('WORKFLOW_BUNDLE') },
    activities,
    // Make the kill bite: no sticky cache survives it anyway, and a short schedule-to-start lets the
    // server hand the dead worker's workflow tasks to the next one quickly.
    stickyQueueScheduleToStartTimeout: '1s',
  });
  process.stdout.write('READY\n');
  await worker.run();
}

// Imported by the test for CHILD_COLLECTIONS; runs only as a process of its own.
if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
