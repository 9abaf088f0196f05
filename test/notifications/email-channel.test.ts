// Email through a real SMTP server started here (smtp-server on 127.0.0.1), read back as a mail client
// would see it (mailparser): who it is from and to, the subject, the text and HTML parts, the link.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotificationError } from '../../src/notifications/errors';
import { createNotificationSender, type Notifier } from '../../src/notifications/sender';
import { stableMessageId } from '../../src/notifications/email/smtp-channel';
import { FULL_FACTS, testConfig } from './support/config';
import { closedPortUrl, startDroppingSmtpServer, startSilentSmtpServer, startSmtpServer, type TestSmtpServer } from './support/smtp';

let smtp: TestSmtpServer;
let sender: Notifier;

beforeAll(async () => {
  smtp = await startSmtpServer();
  sender = createNotificationSender(testConfig({ SMTP_URL: smtp.url, NOTIFY_WHATSAPP_ENABLED: 'false' }));
});
afterAll(async () => {
  await sender.close();
  await smtp.close();
});
afterEach(() => {
  smtp.received.length = 0;
});

/** The error a send fails with (the test fails if it does not). */
async function failure(p: Promise<unknown>): Promise<NotificationError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NotificationError);
    return e as NotificationError;
  }
  throw new Error('the send was expected to fail');
}

describe('email over SMTP', () => {
  it('delivers the shipped email, from the store, to the customer, with the tracking link in both parts', async () => {
    const outcome = await sender.dispatch({ channel: 'email', event: 'shipped', orderId: 'ORD-1001', to: 'asha@customer.test', data: FULL_FACTS.shipped });

    expect(smtp.received).toHaveLength(1);
    const { envelope, parsed } = smtp.received[0]!;
    expect(envelope).toEqual({ from: 'orders@kala.test', to: ['asha@customer.test'] });
    expect(parsed.from?.value).toEqual([{ name: 'Kala & Co', address: 'orders@kala.test' }]);
    expect(parsed.replyTo?.value).toEqual([{ name: '', address: 'help@kala.test' }]);
    expect(parsed.subject).toBe('Your Kala & Co order ORD-1001 has shipped');
    expect(parsed.text).toContain('Tracking number (AWB): ICR123456789');
    expect(parsed.text).toContain('Track your order: https://track.kala.test/o/ORD-1001?t=abc&x=1');
    expect(parsed.html).toContain('<a href="https://track.kala.test/o/ORD-1001?t=abc&amp;x=1"');
    expect(parsed.html).toContain('Kala &amp; Co');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(outcome).toEqual({ status: 'sent', providerMessageId: stableMessageId('ORD-1001:shipped:email', 'orders@kala.test') });
    expect(parsed.messageId).toBe(outcome.status === 'sent' ? outcome.providerMessageId : '');
  });

  it('sends the admin NDR alert to EMAIL_FEEDBACK_TO', async () => {
    await sender.dispatch({ channel: 'admin_email', event: 'admin_ndr_alert', orderId: 'ORD-1001', data: FULL_FACTS.admin_ndr_alert });
    expect(smtp.received.map((m) => m.envelope.to)).toEqual([['ops@kala.test']]);
    expect(smtp.received[0]!.parsed.subject).toBe('[NDR] Order ORD-1001: consignee_unavailable (attempt 2) - ops must act');
  });

  it('gives a repeated notification the same Message-ID, so mailboxes that dedupe show it once', async () => {
    const m = { channel: 'email' as const, event: 'delivered' as const, orderId: 'ORD-7', to: 'asha@customer.test', data: {} };
    await sender.send(m);
    await sender.send(m);
    const [a, b] = smtp.received.map((r) => r.parsed.messageId);
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });

  it('fails permanently when the server refuses the mailbox (550), and does not leak the address', async () => {
    smtp.rejectRecipient('gone@customer.test', 550, '5.1.1 <gone@customer.test>: Mailbox unavailable');
    const e = await failure(sender.dispatch({ channel: 'email', event: 'delivered', orderId: 'ORD-2', to: 'gone@customer.test', data: {} }));
    expect(e).toMatchObject({ kind: 'permanent', code: 'invalid_recipient', status: 550, provider: 'smtp' });
    expect(e.message).toContain('SMTP 550 at RCPT TO');
    expect(e.message).not.toContain('gone@customer.test');
    expect(smtp.received).toHaveLength(0);
  });

  it('retries when the server says "try later" (451)', async () => {
    smtp.rejectRecipient('busy@customer.test', 451, '4.3.0 Temporary local problem');
    const e = await failure(sender.dispatch({ channel: 'email', event: 'delivered', orderId: 'ORD-3', to: 'busy@customer.test', data: {} }));
    expect(e).toMatchObject({ kind: 'retryable', code: 'unavailable', status: 451 });
  });

  it('refuses a recipient that is not one address, before talking to the server', async () => {
    const e = await failure(sender.dispatch({ channel: 'email', event: 'delivered', orderId: 'ORD-4', to: 'asha@customer.test, eve@evil.test', data: {} }));
    expect(e).toMatchObject({ kind: 'permanent', code: 'invalid_recipient' });
    expect(smtp.received).toHaveLength(0);
  });
});

describe('email when the server misbehaves', () => {
  const senderFor = (url: string) =>
    createNotificationSender(testConfig({ SMTP_URL: url, NOTIFY_WHATSAPP_ENABLED: 'false' }), { smtpTimeouts: { connectionMs: 2000, greetingMs: 300, socketMs: 2000 } });
  const message = { channel: 'email' as const, event: 'delivered' as const, orderId: 'ORD-9', to: 'asha@customer.test', data: {} };

  it('retries after the connection drops mid-transaction, without resending on its own', async () => {
    const server = await startDroppingSmtpServer();
    const s = senderFor(server.url);
    try {
      expect(await failure(s.dispatch(message))).toMatchObject({ kind: 'retryable', code: 'network' });
      // One attempt: the retry (with backoff, in history) is Temporal's, not a hidden loop in nodemailer.
      expect(server.transactions()).toBe(1);
    } finally {
      await s.close();
      await server.close();
    }
  });

  it('retries when nothing listens', async () => {
    const s = senderFor(await closedPortUrl());
    try {
      expect(await failure(s.dispatch(message))).toMatchObject({ kind: 'retryable', code: 'network' });
    } finally {
      await s.close();
    }
  });

  it('retries when the server never greets (greeting timeout)', async () => {
    const server = await startSilentSmtpServer();
    const s = senderFor(server.url);
    try {
      expect(await failure(s.dispatch(message))).toMatchObject({ kind: 'retryable', code: 'timeout' });
    } finally {
      await s.close();
      await server.close();
    }
  });
});
