// The port notifications leave through. The worker plugs in the real sender (src/notifications: the
// store's templates over SMTP and the WhatsApp Cloud API); the logging sender serves tests and tools
// that run the activities without sending anything.
import type { NotificationChannel, NotificationEvent } from '../domain/notifications';

export interface OutgoingMessage {
  channel: NotificationChannel;
  event: NotificationEvent;
  orderId: string;
  /** Email address or phone number. Personal data: never log it. */
  to: string;
  /** The facts the templates render (awb, courier, tracking link, customer name, …). */
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
    this.log.info('notification (logged, not sent)', { orderId: m.orderId, event: m.event, channel: m.channel, providerMessageId });
    return { providerMessageId };
  }
}
