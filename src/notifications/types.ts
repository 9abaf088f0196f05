// The shapes that cross the notifications module's edge. `NotificationMessage` is structurally the
// activities' OutgoingMessage (the words come from the store's template files here), so the port's
// messages fit as they are.
import type { NotificationChannel, NotificationEvent } from '../storage/types';

export interface NotificationMessage {
  channel: NotificationChannel;
  event: NotificationEvent;
  orderId: string;
  /**
   * Email address (email), phone number (whatsapp) or, for admin_email, an override of the configured
   * admin address. Empty for a customer channel: the message is skipped. Personal data: never logged.
   */
  to?: string;
  /** The facts captured when the milestone happened (awb, courier, trackingPageUrl, customerName, …). */
  data: Readonly<Record<string, string | number | boolean>>;
  /** Stable per order × event × channel; default `${orderId}:${event}:${channel}`. */
  idempotencyKey?: string;
}

export type DeliveryOutcome = { status: 'sent'; providerMessageId: string } | { status: 'skipped'; reason: string };

/** pino's Logger fits; so does anything with these two methods. */
export interface NotifyLog {
  info(meta: Record<string, unknown>, message: string): void;
  warn(meta: Record<string, unknown>, message: string): void;
}
