// Which notification goes to whom, on which channels: the one table. The workflow picks channels from
// it, the notify activity and the sender refuse a channel it does not list, the templates load by it.
// Pure (the workflow bundle imports it).

export type NotificationChannel = 'email' | 'whatsapp' | 'admin_email';
export type NotificationEvent = 'shipped' | 'out_for_delivery' | 'delivered' | 'ndr_action_needed' | 'rto_initiated' | 'admin_ndr_alert' | 'stuck_alert' | 'store_endpoint_disabled';
export type Audience = 'customer' | 'admin';

/** Customers hear about milestones; the admin hears about trouble. */
export const EVENT_AUDIENCE: Readonly<Record<NotificationEvent, Audience>> = {
  shipped: 'customer',
  out_for_delivery: 'customer',
  delivered: 'customer',
  ndr_action_needed: 'customer',
  rto_initiated: 'customer',
  admin_ndr_alert: 'admin',
  stuck_alert: 'admin',
  store_endpoint_disabled: 'admin',
};

/** Customers by email and WhatsApp, in this order; the admin by email. */
const AUDIENCE_CHANNELS: Readonly<Record<Audience, readonly NotificationChannel[]>> = {
  customer: ['email', 'whatsapp'],
  admin: ['admin_email'],
};

export const NOTIFICATION_EVENTS = Object.keys(EVENT_AUDIENCE) as readonly NotificationEvent[];

export const EVENT_CHANNELS: Readonly<Record<NotificationEvent, readonly NotificationChannel[]>> = Object.fromEntries(
  NOTIFICATION_EVENTS.map((e) => [e, AUDIENCE_CHANNELS[EVENT_AUDIENCE[e]]]),
) as Record<NotificationEvent, readonly NotificationChannel[]>;

export function channelCarries(channel: NotificationChannel, event: NotificationEvent): boolean {
  return EVENT_CHANNELS[event].includes(channel);
}
