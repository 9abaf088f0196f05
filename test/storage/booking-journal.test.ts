import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoBookingJournal } from '../../src/storage/booking-journal';
import type { Mongo } from '../../src/storage/mongo';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let journal: MongoBookingJournal;
beforeAll(async () => {
  mongo = await freshMongo('journal');
  journal = new MongoBookingJournal(mongo.cols);
});
afterAll(async () => mongo.close());

const booking = { awb: '345642367564', courierShipmentId: '352', trackingUrl: 'https://www.icarry.in/track-shipment?shipment_id=352' };

describe('MongoBookingJournal', () => {
  it('gives exactly one of many concurrent claims the right to book', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => journal.claim('o1', 1)));
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    expect(results.filter((r) => r?.state === 'in_flight')).toHaveLength(7);
  });

  it('survives a new journal instance (a restarted worker) and returns the recorded booking', async () => {
    await journal.claim('o2', 1);
    await journal.booked('o2', booking, 2);
    const afterRestart = new MongoBookingJournal(mongo.cols);
    expect(await afterRestart.claim('o2', 3)).toEqual({ state: 'booked', orderId: 'o2', since: 2, booking });
  });

  it('keeps an in-doubt order blocked until ops release it, and never releases a booked one', async () => {
    await journal.claim('o3', 1);
    await journal.inDoubt('o3', 'reply lost: timeout', 2, '999');
    expect(await journal.claim('o3', 3)).toMatchObject({ state: 'in_doubt', reason: 'reply lost: timeout', shipmentId: '999' });
    await journal.release('o3');
    expect(await journal.claim('o3', 4)).toBeUndefined();
    await journal.release('o2');
    expect(await journal.claim('o2', 5)).toMatchObject({ state: 'booked' });
  });
});
