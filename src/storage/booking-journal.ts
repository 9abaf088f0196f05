// Durable BookingJournal (see couriers/icarry/booking-journal.ts): a worker that dies between sending a
// create and recording the reply leaves an 'in_flight' document behind, so the retry on another worker
// refuses to book twice instead of forgetting. The claim is an insert on a unique _id: atomic on FerretDB
// and MongoDB alike.
import type { BookingJournal, JournalEntry } from '../couriers/icarry';
import type { Booking, CourierId } from '../couriers/types';
import type { Collections } from './collections';
import { isDuplicateKey } from './mongo';
import type { BookingJournalDoc } from './types';

export class MongoBookingJournal implements BookingJournal {
  constructor(
    private readonly cols: Collections,
    private readonly courier: CourierId = 'icarry',
  ) {}

  private id(orderId: string): string {
    return `${this.courier}:${orderId}`;
  }

  async claim(orderId: string, at: number): Promise<JournalEntry | undefined> {
    try {
      await this.cols.bookingJournal.insertOne({ _id: this.id(orderId), courier: this.courier, orderId, state: 'in_flight', since: at });
      return undefined;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const doc = await this.cols.bookingJournal.findOne({ _id: this.id(orderId) });
      // Released between our insert and read: claim again.
      return doc ? toEntry(doc) : this.claim(orderId, at);
    }
  }

  async booked(orderId: string, booking: Omit<Booking, 'recovered'>, at: number): Promise<void> {
    await this.cols.bookingJournal.updateOne(
      { _id: this.id(orderId) },
      { $set: { state: 'booked', since: at, booking: booking as unknown as Record<string, unknown>, courier: this.courier, orderId }, $unset: { reason: '' } },
      { upsert: true },
    );
  }

  async inDoubt(orderId: string, reason: string, at: number, shipmentId?: string): Promise<void> {
    await this.cols.bookingJournal.updateOne(
      { _id: this.id(orderId), state: { $ne: 'booked' } },
      { $set: { state: 'in_doubt', since: at, reason, ...(shipmentId ? { shipmentId } : {}) } },
    );
  }

  async release(orderId: string): Promise<void> {
    await this.cols.bookingJournal.deleteOne({ _id: this.id(orderId), state: { $ne: 'booked' } });
  }
}

function toEntry(d: BookingJournalDoc): JournalEntry {
  if (d.state === 'booked') return { state: 'booked', orderId: d.orderId, since: d.since, booking: d.booking as unknown as Omit<Booking, 'recovered'> };
  if (d.state === 'in_doubt') return { state: 'in_doubt', orderId: d.orderId, since: d.since, reason: d.reason ?? 'unknown', ...(d.shipmentId ? { shipmentId: d.shipmentId } : {}) };
  return { state: 'in_flight', orderId: d.orderId, since: d.since };
}
