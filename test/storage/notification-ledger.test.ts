import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mongo } from '../../src/storage/mongo';
import { MongoNotificationLedger } from '../../src/storage/notification-ledger';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let ledger: MongoNotificationLedger;
beforeAll(async () => {
  mongo = await freshMongo('ledger');
  ledger = new MongoNotificationLedger(mongo.cols);
});
afterAll(async () => mongo.close());

describe('MongoNotificationLedger', () => {
  const key = { orderId: 'o1', event: 'shipped' as const, channel: 'email' as const };

  it('lets a slot be sent once: after markSent every claim says do not proceed', async () => {
    expect((await ledger.claim(key)).proceed).toBe(true);
    expect((await ledger.claim(key)).proceed).toBe(true); // not sent yet: a retry may proceed
    await ledger.markSent(key, 'msg-1');
    const again = await ledger.claim(key);
    expect(again.proceed).toBe(false);
    expect(again.doc).toMatchObject({ status: 'sent', providerMessageId: 'msg-1', attempts: 1 });
  });

  it('keeps a failed slot open for retries and never downgrades a sent one', async () => {
    const k = { ...key, channel: 'whatsapp' as const };
    await ledger.claim(k);
    await ledger.markFailed(k, 'provider 503');
    expect((await ledger.claim(k)).proceed).toBe(true);
    await ledger.markSent(k);
    await ledger.markFailed(k, 'late failure report');
    await ledger.markSkipped(k, 'late skip');
    expect((await ledger.claim(k)).doc.status).toBe('sent');
  });

  it('creates exactly one document under concurrent claims', async () => {
    const k = { ...key, event: 'delivered' as const };
    await Promise.all(Array.from({ length: 10 }, () => ledger.claim(k)));
    expect(await mongo.cols.notifications.countDocuments({ orderId: 'o1', event: 'delivered', channel: 'email' })).toBe(1);
  });
});
