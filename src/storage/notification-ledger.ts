// MongoDB implementation of the NotificationLedger: one document per order × event × channel, plus one
// `notification_sends` document per provider call. The calls are what must never be doubled, so the
// right to make the n-th call of a slot is taken with a unique insert (`${slot}#${n}`): the one write
// that is atomic on FerretDB v1 (SQLite) as on MongoDB. FerretDB v1 runs a filtered update or
// findOneAndUpdate as read-then-write, so a status filter alone would let two racing attempts both
// "win" (the ledger tests caught exactly that). The slot's status is then written with filters that
// make a stale writer miss; if two writes still cross, the loser can only settle the slot (uncertain)
// or lose a provider id, never reopen it: a new call needs a new, unused n.
import type { Collections } from './collections';
import { isDuplicateKey } from './mongo';
import type { BeginSendResult, NotificationDoc, NotificationKey, NotificationLedger, NotificationSendDoc, SendAttempt } from './types';

export function notificationId(k: NotificationKey): string {
  return `${k.orderId}:${k.event}:${k.channel}`;
}

/** One string per activity execution attempt, compared as a whole when an outcome is recorded. */
export function sendToken(by: SendAttempt): string {
  return `${by.workflowId}/${by.runId}/${by.activityId}#${by.attempt}`;
}

export function isSettled(status: NotificationDoc['status']): boolean {
  return status === 'sent' || status === 'skipped' || status === 'uncertain';
}

/** Why a slot found in 'sending' is settled as uncertain, in words ops can act on. */
export function uncertainReason(found: NotificationDoc, by: SendAttempt): string {
  const held = found.sending;
  const holder = held ? `attempt ${held.attempt} of activity ${held.activityId} (run ${held.runId})` : 'an earlier attempt';
  const since = held ? ` since ${held.at}` : '';
  return (
    `${holder} held the slot in 'sending'${since} and never recorded an outcome (worker died or attempt timed out ` +
    `after the claim): the provider may have accepted the message; attempt ${by.attempt} of activity ${by.activityId} did not send again`
  );
}

// A slot moves forward a bounded number of times while one beginSend looks at it.
const MAX_BEGIN_ROUNDS = 8;
// An attempt that has taken call n records 'sending' a moment later; a racing attempt waits this long
// (polls × interval) for that before it concludes the holder died in between.
const HOLDER_POLLS = 40;
const HOLDER_POLL_MS = 50;

export class MongoNotificationLedger implements NotificationLedger {
  constructor(
    private readonly cols: Collections,
    private readonly now: () => number = Date.now,
  ) {}

  private at(): string {
    return new Date(this.now()).toISOString();
  }

  async claim(key: NotificationKey): Promise<{ proceed: boolean; doc: NotificationDoc }> {
    // Read, and insert only when absent: no read-then-write of an existing slot (see the header).
    const _id = notificationId(key);
    let doc = await this.cols.notifications.findOne({ _id });
    if (!doc) {
      const at = this.at();
      const fresh: NotificationDoc = { _id, orderId: key.orderId, event: key.event, channel: key.channel, status: 'pending', attempts: 0, createdAt: at, updatedAt: at };
      try {
        await this.cols.notifications.insertOne(fresh);
        doc = fresh;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        doc = await this.cols.notifications.findOne({ _id }); // a racing claim created it
      }
    }
    if (!doc) throw new Error(`notification slot ${_id} could not be claimed`);
    return { proceed: !isSettled(doc.status), doc };
  }

  async beginSend(key: NotificationKey, by: SendAttempt): Promise<BeginSendResult> {
    const _id = notificationId(key);
    const token = sendToken(by);
    let polls = 0;
    for (let round = 0; round < MAX_BEGIN_ROUNDS; round++) {
      const found = await this.cols.notifications.findOne({ _id });
      if (!found) throw new Error(`notification slot ${_id} was not claimed before sending`);
      if (isSettled(found.status)) return { verdict: 'settled', doc: found };
      if (found.status === 'sending') {
        // An earlier attempt holds the slot and never reported: it may have handed the message over.
        const settled = await this.settleUncertain(found, by, uncertainReason(found, by));
        if (settled) return settled;
        continue; // it reported meanwhile: look again
      }
      // pending or failed: nothing is in flight, take the right to make call n.
      const n = found.attempts + 1;
      const at = this.at();
      const sending = { ...by, token, at };
      const holder = await this.takeCall(`${_id}#${n}`, sending);
      if (holder.token !== token) {
        const now = await this.cols.notifications.findOne({ _id });
        if (!now) throw new Error(`notification slot ${_id} disappeared`);
        // Call n already ended as 'failed' (our read was old): go for n + 1.
        if (isSettled(now.status) || now.status === 'sending' || now.attempts >= n) continue;
        // Its holder is between taking it and recording 'sending': racing us right now (give it a
        // moment), or dead there (then it may have sent nothing, but nobody can tell).
        if (polls++ < HOLDER_POLLS) {
          round -= 1;
          await new Promise((r) => setTimeout(r, HOLDER_POLL_MS));
          continue;
        }
        const settled = await this.settleUncertain(now, by, uncertainReason({ ...now, sending: holder }, by));
        if (settled) return settled;
        continue;
      }
      const moved = await this.cols.notifications.updateOne(
        { _id, status: found.status, attempts: found.attempts },
        { $set: { status: 'sending', sending, attempts: n, updatedAt: at } },
      );
      if (moved.matchedCount === 1) return { verdict: 'send', doc: { ...found, status: 'sending', sending, attempts: n, updatedAt: at } };
      // The slot changed between our read and write (a racing attempt settled it on seeing our call n):
      // the next round reads what it is now; call n stays ours and unused.
    }
    throw new Error(`notification slot ${_id} kept changing while attempt ${token} tried to send`);
  }

  /** Inserts the call document, or returns whoever inserted it first. */
  private async takeCall(_id: string, sending: SendAttempt & { token: string; at: string }): Promise<NotificationSendDoc> {
    const doc: NotificationSendDoc = { _id, ...sending };
    try {
      await this.cols.notificationSends.insertOne(doc);
      return doc;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const holder = await this.cols.notificationSends.findOne({ _id });
      if (!holder) throw new Error(`notification call ${_id} is taken but cannot be read`);
      return holder;
    }
  }

  /** Marks the slot 'uncertain' if it is still as `found`; undefined when it moved meanwhile. */
  private async settleUncertain(found: NotificationDoc, by: SendAttempt, reason: string): Promise<BeginSendResult | undefined> {
    const at = this.at();
    const set = { status: 'uncertain' as const, uncertainReason: reason, uncertainBy: { ...by }, uncertainAt: at, updatedAt: at };
    const r = await this.cols.notifications.updateOne(
      { _id: found._id, status: found.status, attempts: found.attempts, ...(found.sending ? { 'sending.token': found.sending.token } : {}) },
      { $set: set },
    );
    return r.matchedCount === 1 ? { verdict: 'uncertain', doc: { ...found, ...set }, reason } : undefined;
  }

  async markSent(key: NotificationKey, by: SendAttempt, providerMessageId?: string): Promise<void> {
    const at = this.at();
    await this.cols.notifications.updateOne(
      { _id: notificationId(key), status: { $in: ['sending', 'uncertain'] }, 'sending.token': sendToken(by) },
      { $set: { status: 'sent', sentAt: at, updatedAt: at, ...(providerMessageId ? { providerMessageId } : {}) }, $unset: { error: '' } },
    );
  }

  async markFailed(key: NotificationKey, by: SendAttempt, error: string): Promise<void> {
    await this.cols.notifications.updateOne(
      { _id: notificationId(key), status: { $in: ['sending', 'uncertain'] }, 'sending.token': sendToken(by) },
      { $set: { status: 'failed', error: error.slice(0, 1000), updatedAt: this.at() } },
    );
  }

  async markSkipped(key: NotificationKey, reason: string, by?: SendAttempt): Promise<void> {
    const filter = by
      ? { _id: notificationId(key), status: { $in: ['sending', 'uncertain'] as NotificationDoc['status'][] }, 'sending.token': sendToken(by) }
      : { _id: notificationId(key), status: { $in: ['pending', 'failed'] as NotificationDoc['status'][] } };
    await this.cols.notifications.updateOne(filter, { $set: { status: 'skipped', skippedReason: reason, updatedAt: this.at() } });
  }
}
