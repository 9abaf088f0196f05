// Sends one notification per order × event × channel. The ledger slot is claimed and marked 'sending'
// (atomically, for this attempt) before the provider is called, and 'sent' or 'failed' after:
//   - nothing crashes: exactly once; an in-process failure (refused, 4xx/5xx, timeout) is recorded
//     'failed' and Temporal's retry sends it;
//   - the worker dies (or the attempt times out) between the claim and the record: the next attempt
//     finds 'sending' and cannot know whether the provider accepted the message. SMTP and the WhatsApp
//     Cloud API take no idempotency key, so sending again could deliver it twice; it settles the slot
//     as 'uncertain' instead (metric, warning, ledger status) and returns normally: at most once.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { randomUUID } from 'node:crypto';
import { channelCarries } from '../domain/notifications';
import { isNotificationError, isNotificationSkipped } from '../notifications/errors';
import type { NotificationDoc, SendAttempt } from '../storage/types';
import type { ActivityDeps } from './deps';
import type { NotifyInput, NotifyOutput } from './types';

/** This activity execution's identity: the workflow run, the activity id and the attempt number. */
function currentAttempt(): SendAttempt {
  try {
    const { workflowExecution, activityId, attempt } = Context.current().info;
    return { workflowId: workflowExecution?.workflowId ?? '-', runId: workflowExecution?.runId ?? '-', activityId, attempt };
  } catch {
    // Called outside an activity context (a script, a plain unit test): a caller of its own.
    return { workflowId: '-', runId: '-', activityId: `direct-${randomUUID()}`, attempt: 1 };
  }
}

export function createNotificationActivities(deps: ActivityDeps) {
  return {
    async notify(input: NotifyInput): Promise<NotifyOutput> {
      const key = { orderId: input.orderId, event: input.event, channel: input.channel };
      const meta = { orderId: input.orderId, event: input.event, channel: input.channel };
      // A slot settled earlier: sent or skipped (already done), or uncertain (said again, counted once).
      const settled = (doc: NotificationDoc): NotifyOutput => {
        deps.metrics?.notification?.(input.event, input.channel, 'already_done');
        if (doc.status === 'uncertain') return { outcome: 'uncertain', ...(doc.uncertainReason ? { reason: doc.uncertainReason } : {}) };
        return { outcome: 'already_done', ...(doc.providerMessageId ? { providerMessageId: doc.providerMessageId } : {}) };
      };
      const { proceed, doc } = await deps.ledger.claim(key);
      if (!proceed) return settled(doc);
      const to =
        input.channel === 'admin_email' ? deps.config.adminEmail : input.channel === 'email' ? input.recipient?.email : input.recipient?.phone;
      if (!to || !channelCarries(input.channel, input.event)) {
        const reason = to ? `channel ${input.channel} does not carry ${input.event}` : `no ${input.channel === 'whatsapp' ? 'phone' : 'email'} on file`;
        await deps.ledger.markSkipped(key, reason);
        deps.metrics?.notification?.(input.event, input.channel, 'skipped');
        return { outcome: 'skipped', reason };
      }

      const by = currentAttempt();
      const begun = await deps.ledger.beginSend(key, by);
      if (begun.verdict === 'settled') return settled(begun.doc);
      if (begun.verdict === 'uncertain') {
        deps.metrics?.notification?.(input.event, input.channel, 'uncertain');
        deps.log?.warn('notification outcome unknown after an interrupted attempt: not sent again', { ...meta, attempt: by.attempt, reason: begun.reason });
        return { outcome: 'uncertain', reason: begun.reason };
      }

      let providerMessageId: string;
      try {
        ({ providerMessageId } = await deps.sender.send({
          channel: input.channel,
          event: input.event,
          orderId: input.orderId,
          to,
          // The name is personal data: it travels in this activity's (encrypted) input only.
          data: { ...input.facts, ...(input.recipient?.name ? { customerName: input.recipient.name } : {}) },
          idempotencyKey: `${input.orderId}:${input.event}:${input.channel}`,
        }));
      } catch (e) {
        // The sender decided not to send (channel switched off, contact unusable): recorded, not retried.
        if (isNotificationSkipped(e)) {
          await deps.ledger.markSkipped(key, e.reason, by);
          deps.metrics?.notification?.(input.event, input.channel, 'skipped');
          return { outcome: 'skipped', reason: e.reason };
        }
        // The provider call failed in this process: known not sent, so the slot reopens for the retry.
        const message = e instanceof Error ? e.message : 'send failed';
        await recordOutcome(() => deps.ledger.markFailed(key, by, message), deps.config.ledgerRetryMs);
        deps.metrics?.notification?.(input.event, input.channel, 'failed');
        const type = `Notification${isNotificationError(e) && !e.retryable ? 'Permanent' : 'Failed'}`;
        // Retryable by default: the workflow's retry policy backs off; the shipment does not wait for it.
        throw ApplicationFailure.create({
          type,
          message: `${input.channel} ${input.event}: ${message}`,
          nonRetryable: isNotificationError(e) && !e.retryable,
          ...(isNotificationError(e) && e.retryAfterMs !== undefined ? { nextRetryDelay: e.retryAfterMs } : {}),
        });
      }
      // The provider accepted it. Outside the try: a failed ledger write must not read as a failed send
      // (that would reopen the slot and send again). The write is retried for a few seconds (a database
      // restart; the chaos run left two slots 'sending' when FerretDB restarted right after a send); if it
      // still fails the slot stays 'sending', the workflow is told 'sent' and does not ask again, and
      // anything else that asks finds 'sending' and settles 'uncertain'.
      try {
        await recordOutcome(() => deps.ledger.markSent(key, by, providerMessageId), deps.config.ledgerRetryMs);
      } catch (e) {
        deps.log?.warn('notification sent but the ledger did not record it', { ...meta, providerMessageId, error: e instanceof Error ? e.message : String(e) });
      }
      deps.metrics?.notification?.(input.event, input.channel, 'sent');
      return { outcome: 'sent', providerMessageId };
    },
  };
}

/** Waits before each retry of a ledger write after the provider answered: ~15 s in all, inside the activity's minute. */
const RECORD_RETRY_MS = [500, 1_000, 2_000, 4_000, 8_000];

/** The provider's answer is known; only writing it down failed. Try again briefly rather than lose it. */
async function recordOutcome(write: () => Promise<void>, delays: readonly number[] = RECORD_RETRY_MS): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await write();
    } catch (e) {
      const wait = delays[i];
      if (wait === undefined) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
