// Bulk-preloads N delivered webhooks as a store that has run for a while holds them: inbox documents
// (the body a Delhivery push really has, its parsed events, delivered) and the journal segments that
// carried them, in groups, under a writer that has finished — exactly what the API leaves behind after
// accepting and delivering them, written with insertMany instead of one request at a time.
import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { delhiveryWebhook } from '../../src/couriers/delhivery';
import { COLLECTIONS } from '../../src/storage/collections';
import { inboxId, type InboxRecord } from '../../src/storage/inbox-repo';
import { segmentId, type JournalCursor, type JournalSegment } from '../../src/storage/webhook-journal';
import { say } from './report';

export interface PreloadWebhooksOptions {
  count: number;
  /** Spread over this many days before now (inside the 30-day retention window by default). */
  days?: number;
  /** Webhooks per journal segment (a group commit's size). */
  perSegment?: number;
  /** Documents per insertMany. */
  chunk?: number;
}

const HUBS = ['Mumbai_Andheri_DC (Maharashtra)', 'Bhiwandi_Mankoli_HB (Maharashtra)', 'Delhi_Bamnoli_GW (Delhi)', 'Bengaluru_Bomsndra_HB (Karnataka)', 'Kolkata_Dankuni_HB (West Bengal)'];
const STEPS: Array<[string, string, string]> = [
  ['UD', 'Manifested', 'X-UCI'],
  ['UD', 'In Transit', 'X-PPOM'],
  ['UD', 'In Transit', 'X-IBD3F'],
  ['UD', 'Dispatched', 'X-DDD3FD'],
  ['DL', 'Delivered', 'EOD-38'],
];

export async function preloadWebhooks(db: Db, o: PreloadWebhooksOptions): Promise<{ writer: string; seconds: number }> {
  const days = o.days ?? 29;
  const perSegment = o.perSegment ?? 20;
  const chunk = o.chunk ?? 2_000;
  const writer = `preload-${randomBytes(3).toString('hex')}`;
  const inbox = db.collection<InboxRecord>(COLLECTIONS.inbox);
  const segments = db.collection<JournalSegment>(COLLECTIONS.journal);
  const t0 = Date.now();
  const start = t0 - days * 86_400_000;
  const span = t0 - 3_600_000 - start; // the newest an hour old: nothing the bench sends collides with them
  let seq = 0;
  let docs: InboxRecord[] = [];
  let segs: JournalSegment[] = [];
  let pending: JournalSegment['items'] = [];
  const flush = async () => {
    if (pending.length) {
      segs.push({ _id: segmentId(writer, seq), writer, seq, at: pending[pending.length - 1]!.receivedAt, items: pending });
      seq++;
      pending = [];
    }
    if (docs.length) await inbox.insertMany(docs, { ordered: false });
    if (segs.length) await segments.insertMany(segs, { ordered: false });
    docs = [];
    segs = [];
  };
  for (let i = 0; i < o.count; i++) {
    const at = start + Math.floor((span * i) / o.count);
    const awb = `PRE${writer.slice(-6)}${String(Math.floor(i / STEPS.length)).padStart(9, '0')}`;
    const [type, status, nsl] = STEPS[i % STEPS.length]!;
    const body = JSON.stringify({
      Shipment: { Status: { Status: status, StatusDateTime: new Date(at).toISOString().replace('Z', ''), StatusType: type, StatusLocation: HUBS[i % HUBS.length], Instructions: status }, NSLCode: nsl, ReferenceNo: `ORD-${i}`, AWB: awb },
    });
    const parsed = delhiveryWebhook.parse({ headers: {}, rawBody: Buffer.from(body), receivedAt: at });
    if (!parsed.ok) throw new Error(parsed.error);
    const receivedAt = new Date(at).toISOString();
    const id = inboxId('delhivery', body);
    const deliveries = [{ awb, orderId: `PRE-${Math.floor(i / STEPS.length)}`, status: 'delivered' as const, attempts: 1, deliveredAt: receivedAt, events: parsed.events }];
    docs.push({ _id: id, courier: 'delhivery', endpoint: '/api/webhooks/delhivery', receivedAt, rawBody: body, deliveries, status: 'delivered', attempts: 1, nextAttemptAt: receivedAt, updatedAt: receivedAt });
    pending.push({ id, courier: 'delhivery', receivedAt, deliveries });
    if (pending.length >= perSegment) {
      segs.push({ _id: segmentId(writer, seq), writer, seq, at: receivedAt, items: pending });
      seq++;
      pending = [];
    }
    if (docs.length >= chunk) await flush();
    if ((i + 1) % 50_000 === 0) say(`preloaded ${i + 1}/${o.count} webhooks (${((i + 1) / ((Date.now() - t0) / 1000)).toFixed(0)}/s)`);
  }
  await flush();
  const cursor: JournalCursor = { _id: writer, next: seq, written: o.count, drained: o.count, heartbeatAt: new Date(0).toISOString(), owner: writer, leaseUntil: new Date(0).toISOString(), pruned: 0, finished: true };
  await db.collection<JournalCursor>(COLLECTIONS.journalCursors).insertOne(cursor);
  return { writer, seconds: (Date.now() - t0) / 1000 };
}
