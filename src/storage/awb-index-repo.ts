// AWB → order, as webhooks need it. The workflow's projection registers each AWB it books; the API
// registers it too as soon as the booking answer arrives, so a webhook racing the projection still
// finds its order. Both writes are the same idempotent fact.
import type { CourierId } from '../domain/events';
import type { Collections } from './collections';
import { isDuplicateKey } from './mongo';

export class AwbIndexRepo {
  constructor(
    private readonly cols: Collections,
    private readonly now: () => number = Date.now,
  ) {}

  async orderFor(courier: CourierId, awb: string): Promise<string | undefined> {
    return (await this.cols.awbIndex.findOne({ _id: key(courier, awb) }))?.orderId;
  }

  /** Idempotent. An AWB already held by another order is left alone and reported: never re-pointed. */
  async register(courier: CourierId, awb: string, orderId: string): Promise<{ conflictWith?: string }> {
    try {
      await this.cols.awbIndex.insertOne({ _id: key(courier, awb), courier, awb, orderId, createdAt: new Date(this.now()).toISOString() });
      return {};
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const existing = await this.cols.awbIndex.findOne({ _id: key(courier, awb) });
      return existing && existing.orderId !== orderId ? { conflictWith: existing.orderId } : {};
    }
  }
}

const key = (courier: CourierId, awb: string) => `${courier}:${awb}`;
