// MongoDB implementation of the NotificationLedger: one document per order × event × channel, created
// once by an upsert on its _id, so two racing attempts cannot both own the slot.
import type { Collections } from './collections';
import type { NotificationDoc, NotificationKey, NotificationLedger } from './types';

export function notificationId(k: NotificationKey): string {
  return `${k.orderId}:${k.event}:${k.channel}`;
}

export class MongoNotificationLedger implements NotificationLedger {
  constructor(
    private readonly cols: Collections,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: NotificationKey): Promise<{ proceed: boolean; doc: NotificationDoc }> {
    const at = new Date(this.now()).toISOString();
    const doc = await this.cols.notifications.findOneAndUpdate(
      { _id: notificationId(key) },
      { $setOnInsert: { ...key, status: 'pending', attempts: 0, createdAt: at, updatedAt: at } },
      { upsert: true, returnDocument: 'after' },
    );
    if (!doc) throw new Error(`notification slot ${notificationId(key)} could not be claimed`);
    return { proceed: doc.status !== 'sent' && doc.status !== 'skipped', doc };
  }

  async markSent(key: NotificationKey, providerMessageId?: string): Promise<void> {
    const at = new Date(this.now()).toISOString();
    await this.cols.notifications.updateOne(
      { _id: notificationId(key) },
      { $set: { status: 'sent', sentAt: at, updatedAt: at, ...(providerMessageId ? { providerMessageId } : {}) }, $inc: { attempts: 1 }, $unset: { error: '' } },
    );
  }

  async markFailed(key: NotificationKey, error: string): Promise<void> {
    await this.cols.notifications.updateOne(
      { _id: notificationId(key), status: { $nin: ['sent', 'skipped'] } },
      { $set: { status: 'failed', error: error.slice(0, 1000), updatedAt: new Date(this.now()).toISOString() }, $inc: { attempts: 1 } },
    );
  }

  async markSkipped(key: NotificationKey, reason: string): Promise<void> {
    await this.cols.notifications.updateOne(
      { _id: notificationId(key), status: { $ne: 'sent' } },
      { $set: { status: 'skipped', skippedReason: reason, updatedAt: new Date(this.now()).toISOString() } },
    );
  }
}
