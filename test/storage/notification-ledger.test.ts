import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mongo } from '../../src/storage/mongo';
import { MongoNotificationLedger } from '../../src/storage/notification-ledger';
import type { NotificationKey, SendAttempt } from '../../src/storage/types';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let ledger: MongoNotificationLedger;
beforeAll(async () => {
  mongo = await freshMongo('ledger');
  ledger = new MongoNotificationLedger(mongo.cols);
});
afterAll(async () => mongo.close());

const attempt = (n: number, activityId = '7'): SendAttempt => ({ workflowId: 'shipment-o1', runId: 'run-1', activityId, attempt: n });
let slots = 0;
/** A fresh slot per test: the database is shared by the file. */
const slot = (): NotificationKey => ({ orderId: `o${++slots}`, event: 'shipped', channel: 'email' });
const stored = (k: NotificationKey) => mongo.cols.notifications.findOne({ _id: `${k.orderId}:${k.event}:${k.channel}` });

describe('MongoNotificationLedger', () => {
  it('pending → sending → sent: the sending attempt is recorded, and a sent slot is settled for good', async () => {
    const k = slot();
    expect((await ledger.claim(k)).doc).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await ledger.claim(k)).proceed).toBe(true); // not sent yet: a retry may proceed
    const begun = await ledger.beginSend(k, attempt(1));
    expect(begun.verdict).toBe('send');
    expect(begun.doc).toMatchObject({ status: 'sending', attempts: 1, sending: { workflowId: 'shipment-o1', runId: 'run-1', activityId: '7', attempt: 1 } });
    expect(Date.parse(begun.doc.sending?.at ?? '')).not.toBeNaN();
    await ledger.markSent(k, attempt(1), 'msg-1');
    const again = await ledger.claim(k);
    expect(again.proceed).toBe(false);
    expect(again.doc).toMatchObject({ status: 'sent', providerMessageId: 'msg-1', attempts: 1 });
    expect((await ledger.beginSend(k, attempt(2))).verdict).toBe('settled');
  });

  it('an in-process failure reopens the slot: failed → sending again for the retry, then sent', async () => {
    const k = { ...slot(), channel: 'whatsapp' as const };
    await ledger.claim(k);
    expect((await ledger.beginSend(k, attempt(1))).verdict).toBe('send');
    await ledger.markFailed(k, attempt(1), 'provider 503');
    expect(await stored(k)).toMatchObject({ status: 'failed', error: 'provider 503' });
    expect((await ledger.claim(k)).proceed).toBe(true);
    expect((await ledger.beginSend(k, attempt(2))).verdict).toBe('send');
    await ledger.markSent(k, attempt(2), 'wamid.1');
    expect(await stored(k)).toMatchObject({ status: 'sent', attempts: 2, sending: { attempt: 2 } });
    expect((await stored(k))?.error).toBeUndefined();
    // Late reports from anyone never downgrade a sent slot.
    await ledger.markFailed(k, attempt(1), 'late failure report');
    await ledger.markFailed(k, attempt(2), 'late failure report');
    await ledger.markSkipped(k, 'late skip');
    await ledger.markSkipped(k, 'late skip', attempt(2));
    expect((await stored(k))?.status).toBe('sent');
  });

  it("a slot left 'sending' by an interrupted attempt is settled uncertain by the next one, never sent again", async () => {
    const k = slot();
    await ledger.claim(k);
    expect((await ledger.beginSend(k, attempt(1))).verdict).toBe('send');
    // Attempt 1 handed the message over and died before recording anything.
    const next = await ledger.beginSend(k, attempt(2));
    expect(next.verdict).toBe('uncertain');
    if (next.verdict !== 'uncertain') return;
    expect(next.reason).toContain('attempt 1 of activity 7');
    expect(next.doc).toMatchObject({ status: 'uncertain', attempts: 1, uncertainBy: { attempt: 2 }, sending: { attempt: 1 } });
    expect(await ledger.claim(k)).toMatchObject({ proceed: false, doc: { status: 'uncertain', uncertainReason: next.reason } });
    expect((await ledger.beginSend(k, attempt(3))).verdict).toBe('settled');
    // Only the holder may report; an attempt that never held the slot cannot reopen it.
    await ledger.markFailed(k, attempt(2), 'not mine');
    await ledger.markSent(k, attempt(3), 'not mine');
    await ledger.markSkipped(k, 'before sending');
    expect((await stored(k))?.status).toBe('uncertain');
  });

  it('the interrupted holder, if it was only slow, still records what it knows', async () => {
    const sent = slot();
    await ledger.claim(sent);
    await ledger.beginSend(sent, attempt(1));
    expect((await ledger.beginSend(sent, attempt(2))).verdict).toBe('uncertain');
    await ledger.markSent(sent, attempt(1), 'msg-late');
    expect(await stored(sent)).toMatchObject({ status: 'sent', providerMessageId: 'msg-late' });

    const failed = slot();
    await ledger.claim(failed);
    await ledger.beginSend(failed, attempt(1));
    expect((await ledger.beginSend(failed, attempt(2))).verdict).toBe('uncertain');
    await ledger.markFailed(failed, attempt(1), 'connection reset before 250');
    expect(await stored(failed)).toMatchObject({ status: 'failed', error: 'connection reset before 250' });
  });

  it('skips: before sending only an open slot, while sending only by the holder', async () => {
    const early = slot();
    await ledger.claim(early);
    await ledger.markSkipped(early, 'no email on file');
    expect(await ledger.claim(early)).toMatchObject({ proceed: false, doc: { status: 'skipped', skippedReason: 'no email on file' } });

    const held = slot();
    await ledger.claim(held);
    await ledger.beginSend(held, attempt(1));
    await ledger.markSkipped(held, 'other attempt guessing'); // no holder given: a 'sending' slot is not touched
    expect((await stored(held))?.status).toBe('sending');
    await ledger.markSkipped(held, 'email switched off', attempt(1));
    expect(await stored(held)).toMatchObject({ status: 'skipped', skippedReason: 'email switched off' });
  });

  it('two attempts racing for one slot: exactly one may send, the other settles it uncertain', async () => {
    for (let round = 0; round < 5; round++) {
      const k = slot();
      await ledger.claim(k);
      const results = await Promise.all([ledger.beginSend(k, attempt(1, 'a')), ledger.beginSend(k, attempt(1, 'b'))]);
      expect(results.filter((r) => r.verdict === 'send')).toHaveLength(1);
      expect(results.filter((r) => r.verdict === 'uncertain')).toHaveLength(1);
      expect((await stored(k))?.attempts).toBe(1);
    }
  });

  it('many racing attempts on a failed slot: exactly one sends', async () => {
    const k = slot();
    await ledger.claim(k);
    await ledger.beginSend(k, attempt(1));
    await ledger.markFailed(k, attempt(1), 'timeout before greeting');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ledger.beginSend(k, attempt(2, `r${i}`))));
    expect(results.filter((r) => r.verdict === 'send')).toHaveLength(1);
    expect(results.every((r) => r.verdict !== 'send' || r.doc.status === 'sending')).toBe(true);
    expect((await stored(k))?.attempts).toBe(2);
  });

  it('creates exactly one document under concurrent claims', async () => {
    const k = { ...slot(), event: 'delivered' as const };
    await Promise.all(Array.from({ length: 10 }, () => ledger.claim(k)));
    expect(await mongo.cols.notifications.countDocuments({ orderId: k.orderId, event: 'delivered', channel: 'email' })).toBe(1);
  });

  it('refuses to send an unclaimed slot', async () => {
    await expect(ledger.beginSend(slot(), attempt(1))).rejects.toThrow(/not claimed/);
  });
});
