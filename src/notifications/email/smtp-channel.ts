// Email over SMTP with nodemailer: one pooled transport per worker, short timeouts (a hung server must
// fail the activity attempt, not hold it until Temporal's timeout), and no in-process retries: a failed
// send throws a classified NotificationError and Temporal's retry policy does the backing off.
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool';
import { NotificationError } from '../errors';
import { domainOf, isSingleAddress, parseFrom, type Mailbox } from './address';
import { classifySmtpError } from './smtp-errors';

export interface SmtpChannelOptions {
  /** SMTP_URL: smtp://user:pass@host:port or smtps://… */
  url: string;
  /** EMAIL_FROM */
  from: string;
  /** Display name when EMAIL_FROM is a bare address. */
  storeName: string;
  /** Where customers' replies go (the store's support address). */
  replyTo?: string;
  timeouts?: Partial<SmtpTimeouts>;
  maxConnections?: number;
}

export interface SmtpTimeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
}

export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 30_000 };

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** order × event × channel: makes the Message-ID stable across retries of the same notification. */
  idempotencyKey: string;
}

export class SmtpEmailChannel {
  private readonly transport: Transporter<SMTPPool.SentMessageInfo>;
  private readonly from: Mailbox;

  constructor(private readonly options: SmtpChannelOptions) {
    this.from = parseFrom(options.from, options.storeName);
    const t = { ...DEFAULT_SMTP_TIMEOUTS, ...options.timeouts };
    const poolOptions: SMTPPool.Options & { maxRequeues: number } = {
      url: options.url,
      pool: true,
      maxConnections: options.maxConnections ?? 3,
      maxMessages: 100,
      // nodemailer re-sends a message whose connection closed mid-send, forever by default; a retry
      // belongs to Temporal (bounded, with backoff, visible in history), not to a hidden loop here.
      maxRequeues: 0,
      connectionTimeout: t.connectionMs,
      greetingTimeout: t.greetingMs,
      socketTimeout: t.socketMs,
      dnsTimeout: t.connectionMs,
      // nodemailer logs nothing unless asked; keep it so (its debug output holds addresses).
      logger: false,
      debug: false,
    };
    // Not createTransport(options): given an object with `url`, it keeps only what the URL says and
    // silently drops every other option (pool, timeouts). SMTPPool merges the URL into the options.
    this.transport = nodemailer.createTransport(new SMTPPool(poolOptions));
  }

  async send(mail: OutgoingEmail): Promise<{ providerMessageId: string }> {
    const to = mail.to.trim();
    if (!isSingleAddress(to)) throw new NotificationError('permanent', 'invalid_recipient', 'recipient is not one email address', { provider: 'smtp' });
    const messageId = stableMessageId(mail.idempotencyKey, this.from.address);
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to,
        ...(this.options.replyTo ? { replyTo: this.options.replyTo } : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId,
        // RFC 3834: an automatic message, so auto-responders (out-of-office) stay quiet.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      if (info.rejected.length > 0) throw Object.assign(new Error('recipient rejected'), { code: 'EENVELOPE' });
      return { providerMessageId: info.messageId || messageId };
    } catch (e) {
      throw e instanceof NotificationError ? e : classifySmtpError(e);
    }
  }

  /** Connects and logs in once: a readiness check for the worker. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (e) {
      throw classifySmtpError(e);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * The same notification always gets the same Message-ID. If a send is repeated (the one at-least-once
 * window: the server accepted it, the worker died before the ledger recorded it), mailbox providers
 * that drop duplicate Message-IDs, Gmail among them, show it once. A hash keeps the order id out of it.
 */
export function stableMessageId(idempotencyKey: string, fromAddress: string): string {
  const id = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<waybill.${id}@${domainOf(fromAddress)}>`;
}
