// AWB → order, as webhooks need it. The workflow's projection registers each AWB it books; the API
// registers it too as soon as the booking answer arrives, so a webhook racing the projection still
// finds its order. Both writes are the same idempotent fact.
import type { CourierId } from '../domain/events';
import type { Collections } from './collections';
import { isDuplicateKey } from './mongo';

/** Entries kept in memory: an AWB never changes order once recorded, so a hit is always right. */
const CACHE_SIZE = 50_000;

export class AwbIndexRepo {
  private readonly known = new Map<string, string>();

  constructor(
    private readonly cols: Collections,
    private readonly now: () => number = Date.now,
  ) {}

  async orderFor(courier: CourierId, awb: string): Promise<string | undefined> {
    const k = key(courier, awb);
    const hit = this.known.get(k);
    if (hit) return hit;
    // A miss is not cached: the AWB may be recorded a moment later.
    const orderId = (await this.cols.awbIndex.findOne({ _id: k }))?.orderId;
    if (orderId) this.remember(k, orderId);
    return orderId;
  }

  /** Idempotent. An AWB already held by another order is left alone and reported: never re-pointed. */
  async register(courier: CourierId, awb: string, orderId: string): Promise<{ conflictWith?: string }> {
    try {
      await this.cols.awbIndex.insertOne({ _id: key(courier, awb), courier, awb, orderId, createdAt: new Date(this.now()).toISOString() });
      this.remember(key(courier, awb), orderId);
      return {};
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const existing = await this.cols.awbIndex.findOne({ _id: key(courier, awb) });
      return existing && existing.orderId !== orderId ? { conflictWith: existing.orderId } : {};
    }
  }

  private remember(k: string, orderId: string): void {
    if (this.known.size >= CACHE_SIZE) this.known.delete(this.known.keys().next().value!);
    this.known.set(k, orderId);
  }
}

const key = (courier: CourierId, awb: string) => `${courier}:${awb}`;
