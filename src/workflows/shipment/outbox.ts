// Notifications: once per order × event × channel (the ledger in the activity, `notified` here); at
// most once across a crash mid-send, reported as 'uncertain' (docs/notifications.md). The outbox
// picks an event's channels, runs one notify activity per channel beside the main loop (a slow channel
// never holds the shipment up) and settles the state when each answers. Intents not yet confirmed stay
// in the state, so the next run after continue-as-new resumes them.
import { log } from '@temporalio/workflow';
import type { NotifyInput } from '../../activities';
import { EVENT_AUDIENCE, EVENT_CHANNELS, type NotificationChannel, type NotificationEvent } from '../../domain/notifications';
import { notifications } from './activity-proxies';
import type { NotificationIntent, ShipmentOptions } from './contract';
import { failureMessage } from './failures';
import { notificationFacts, type ShipmentState } from './state';

export class Outbox {
  private inflight = 0;

  constructor(
    private readonly s: ShipmentState,
    private readonly switchedOn: ShipmentOptions['notify'],
  ) {}

  /** No notify activity is running. */
  get idle(): boolean {
    return this.inflight === 0;
  }

  /** Starts again what an earlier run decided and did not see confirmed (the ledger makes that safe). */
  resume(): void {
    for (const intent of this.s.pendingNotifications) this.start(intent);
  }

  /** Sends `event` on each of its channels that is switched on and not already settled or under way. */
  announce(event: NotificationEvent): void {
    for (const channel of EVENT_CHANNELS[event].filter((c) => isOn(c, this.switchedOn))) {
      const key = `${event}:${channel}`;
      if (this.s.notified.includes(key) || this.s.pendingNotifications.some((p) => `${p.event}:${p.channel}` === key)) continue;
      const intent: NotificationIntent = { event, channel, facts: notificationFacts(this.s) };
      this.s.pendingNotifications.push(intent);
      this.start(intent);
    }
  }

  private start(intent: NotificationIntent): void {
    const s = this.s;
    const key = `${intent.event}:${intent.channel}`;
    const c = s.request.consignee;
    const recipient: NotifyInput['recipient'] = { ...(c.email ? { email: c.email } : {}), ...(c.phone ? { phone: c.phone } : {}), name: c.name };
    this.inflight += 1;
    notifications
      .notify({ ...intent, orderId: s.orderId, ...(EVENT_AUDIENCE[intent.event] === 'customer' ? { recipient } : {}) })
      .then((out) => {
        // 'uncertain' (an interrupted attempt may have sent it) is settled like 'sent': never asked
        // again, but listed apart. Only a new result value takes this branch: no command changes.
        if (!s.notified.includes(key)) s.notified.push(key);
        if (out.outcome === 'uncertain' && !s.notifiedUncertain?.includes(key)) {
          s.notifiedUncertain = [...(s.notifiedUncertain ?? []), key];
          log.warn('notification may or may not have been delivered', { orderId: s.orderId, event: intent.event, channel: intent.channel, reason: out.reason });
        }
      })
      .catch((err) => {
        // Gave up after a day of retries; the ledger holds the failure for ops. The shipment goes on.
        log.warn('notification abandoned', { orderId: s.orderId, event: intent.event, channel: intent.channel, error: failureMessage(err) });
      })
      .finally(() => {
        s.pendingNotifications = s.pendingNotifications.filter((p) => `${p.event}:${p.channel}` !== key);
        this.inflight -= 1;
      });
  }
}

function isOn(channel: NotificationChannel, on: ShipmentOptions['notify']): boolean {
  return channel === 'email' ? on.email : channel === 'whatsapp' ? on.whatsapp : on.adminEmail;
}
