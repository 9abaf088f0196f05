// Sends one notification, exactly once per order × event × channel: the ledger slot is claimed first,
// so a retry after a crash (or a continue-as-new re-issue) finds it sent and stops.
import { ApplicationFailure } from '@temporalio/common';
import { MILESTONE_AUDIENCE } from '../domain/shipment-policy';
import { isNotificationError, isNotificationSkipped } from '../notifications/errors';
import type { ActivityDeps } from './deps';
import { render } from './notification-templates';
import type { NotifyInput, NotifyOutput } from './types';

export function createNotificationActivities(deps: ActivityDeps) {
  return {
    async notify(input: NotifyInput): Promise<NotifyOutput> {
      const key = { orderId: input.orderId, event: input.event, channel: input.channel };
      const { proceed, doc } = await deps.ledger.claim(key);
      if (!proceed) {
        deps.metrics?.notification?.(input.event, input.channel, 'already_done');
        return { outcome: 'already_done', ...(doc.providerMessageId ? { providerMessageId: doc.providerMessageId } : {}) };
      }
      const to =
        input.channel === 'admin_email' ? deps.config.adminEmail : input.channel === 'email' ? input.recipient?.email : input.recipient?.phone;
      if (!to || (MILESTONE_AUDIENCE[input.event] === 'admin') !== (input.channel === 'admin_email')) {
        const reason = to ? `channel ${input.channel} does not carry ${input.event}` : `no ${input.channel === 'whatsapp' ? 'phone' : 'email'} on file`;
        await deps.ledger.markSkipped(key, reason);
        deps.metrics?.notification?.(input.event, input.channel, 'skipped');
        return { outcome: 'skipped', reason };
      }
      const { subject, text } = render(input.event, input.orderId, input.facts);
      try {
        const { providerMessageId } = await deps.sender.send({
          channel: input.channel,
          event: input.event,
          orderId: input.orderId,
          to,
          subject,
          text,
          // The name is personal data: it travels in this activity's (encrypted) input only.
          data: { ...input.facts, ...(input.recipient?.name ? { customerName: input.recipient.name } : {}) },
          idempotencyKey: `${input.orderId}:${input.event}:${input.channel}`,
        });
        await deps.ledger.markSent(key, providerMessageId);
        deps.metrics?.notification?.(input.event, input.channel, 'sent');
        return { outcome: 'sent', providerMessageId };
      } catch (e) {
        // The sender decided not to send (channel switched off, contact unusable): recorded, not retried.
        if (isNotificationSkipped(e)) {
          await deps.ledger.markSkipped(key, e.reason);
          deps.metrics?.notification?.(input.event, input.channel, 'skipped');
          return { outcome: 'skipped', reason: e.reason };
        }
        const message = e instanceof Error ? e.message : 'send failed';
        await deps.ledger.markFailed(key, message);
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
    },
  };
}
