// One booking per order at iCarry, whatever retries happen.
//
// iCarry cannot be asked "did you already book client_order_id X?": track and status sync take only
// its own shipment_id, which a lost reply never delivered, and it documents no uniqueness check on
// client_order_id. So a create whose reply was lost (timeout, connection dropped mid-request, 5xx from
// its Cloudflare front after the PHP ran, a garbled body) may have booked a parcel, and booking again
// would put a second courier at the merchant's door and a second charge on the wallet.
//
// The journal records each attempt before it is sent. A retry finds the record and either returns the
// booking it recorded (the reply arrived but the caller's result was lost) or refuses: a permanent
// 'duplicate' error that sends ops to the iCarry panel to look up the order before anything else is
// booked. Only a definite "not booked" (a validation error, a refused token, a 429, a connection that
// never opened) releases the order for another attempt.

import type { Booking } from '../types';

export type JournalEntry =
  | { state: 'in_flight'; orderId: string; since: number }
  | { state: 'in_doubt'; orderId: string; since: number; reason: string; shipmentId?: string }
  | { state: 'booked'; orderId: string; since: number; booking: Omit<Booking, 'recovered'> };

export interface BookingJournal {
  /** Atomically claims `orderId` for one attempt; returns the existing entry instead when there is one. */
  claim(orderId: string, at: number): Promise<JournalEntry | undefined>;
  booked(orderId: string, booking: Omit<Booking, 'recovered'>, at: number): Promise<void>;
  inDoubt(orderId: string, reason: string, at: number, shipmentId?: string): Promise<void>;
  /** iCarry certainly did not book: a later attempt may. Also how ops clears an in-doubt order. */
  release(orderId: string): Promise<void>;
}

/**
 * Per-process journal: covers retries and double clicks served by the same worker. It forgets on
 * restart, so production should pass a durable journal (one document per order id, inserted with a
 * unique key) to cover a worker that dies between sending the create and recording its reply.
 */
export class MemoryBookingJournal implements BookingJournal {
  private readonly entries = new Map<string, JournalEntry>();

  async claim(orderId: string, at: number): Promise<JournalEntry | undefined> {
    const existing = this.entries.get(orderId);
    if (existing) return existing;
    this.entries.set(orderId, { state: 'in_flight', orderId, since: at });
    return undefined;
  }

  async booked(orderId: string, booking: Omit<Booking, 'recovered'>, at: number): Promise<void> {
    this.entries.set(orderId, { state: 'booked', orderId, since: at, booking });
  }

  async inDoubt(orderId: string, reason: string, at: number, shipmentId?: string): Promise<void> {
    this.entries.set(orderId, { state: 'in_doubt', orderId, since: at, reason, ...(shipmentId ? { shipmentId } : {}) });
  }

  async release(orderId: string): Promise<void> {
    this.entries.delete(orderId);
  }

  get(orderId: string): JournalEntry | undefined {
    return this.entries.get(orderId);
  }
}
