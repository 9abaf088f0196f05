// The port notifications leave through. Real email and WhatsApp senders arrive in a later issue; the
// logging sender lets the worker run end to end meanwhile.
import type { NotificationChannel, NotificationEvent } from '../storage/types';

export interface OutgoingMessage {
  channel: NotificationChannel;
  event: NotificationEvent;
  orderId: string;
  /** Email address or phone number. Personal data: never log it. */
  to: string;
  subject: string;
  text: string;
  /** Template variables, for providers with approved templates (WhatsApp). */
  data: Record<string, string | number | boolean>;
  /** Stable per order × event × channel: a provider that supports it drops a repeated send. */
  idempotencyKey: string;
}

export interface NotificationSender {
  /** Sends one message; returns the provider's message id. Throws on failure (the activity retries). */
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
}

export interface SenderLog {
  info(message: string, meta: Record<string, unknown>): void;
}

/** Logs what would be sent, without the recipient. */
export class LoggingNotificationSender implements NotificationSender {
  private n = 0;
  constructor(private readonly log: SenderLog = { info: (m, meta) => console.log(m, JSON.stringify(meta)) }) {}
  async send(m: OutgoingMessage): Promise<{ providerMessageId: string }> {
    this.n += 1;
    const providerMessageId = `log-${m.idempotencyKey}-${this.n}`;
    this.log.info('notification (logged, not sent)', { orderId: m.orderId, event: m.event, channel: m.channel, subject: m.subject, providerMessageId });
    return { providerMessageId };
  }
}
