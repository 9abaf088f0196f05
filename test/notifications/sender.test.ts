// Routing and skipping: which messages go where, which are skipped (and why), and how failures reach
// Temporal. Real servers on both channels, so "nothing was sent" is checked where it would arrive.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationSender as ActivityNotificationSender } from '../../src/activities/notification-port';
import { ConfigError, loadConfig } from '../../src/config';
import { NOTIFICATION_FAILURE_TYPES, toActivityFailure } from '../../src/notifications/activity-failure';
import { NotificationError, NotificationSkipped } from '../../src/notifications/errors';
import { createNotificationSender, type Notifier } from '../../src/notifications/sender';
import { TemplateLoadError } from '../../src/notifications/template/load';
import { simTemplatesFrom, startWhatsAppSimulator, type RunningWhatsAppSimulator } from '../../src/simulators/whatsapp';
import { WHATSAPP_SIM_DEFAULTS } from '../../src/simulators/whatsapp/defaults';
import { FULL_FACTS, TEMPLATES, testConfig } from './support/config';
import { startSmtpServer, type TestSmtpServer } from './support/smtp';

let smtp: TestSmtpServer;
let wa: RunningWhatsAppSimulator;
const senders: Notifier[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  wa = await startWhatsAppSimulator({ templates: simTemplatesFrom(TEMPLATES) });
});
afterAll(async () => {
  await Promise.all(senders.map((s) => s.close()));
  await smtp.close();
  await wa.close();
});
afterEach(() => {
  smtp.received.length = 0;
  wa.sim.reset();
});

function senderWith(env: Record<string, string | undefined> = {}, log?: { warnings: string[] }): Notifier {
  const s = createNotificationSender(
    testConfig({ SMTP_URL: smtp.url, WHATSAPP_API_BASE_URL: wa.baseUrl, ...env }),
    log ? { log: { info: () => undefined, warn: (_meta, message) => void log.warnings.push(message) } } : {},
  );
  senders.push(s);
  return s;
}

const shippedTo = (channel: 'email' | 'whatsapp', to?: string) => ({ channel, event: 'shipped' as const, orderId: 'ORD-1001', ...(to !== undefined ? { to } : {}), data: FULL_FACTS.shipped });
const nothingSent = () => {
  expect(smtp.received).toEqual([]);
  expect(wa.sim.messages).toEqual([]);
};

describe('routing', () => {
  it('sends each channel through its provider', async () => {
    const s = senderWith();
    expect(await s.dispatch(shippedTo('email', 'asha@customer.test'))).toMatchObject({ status: 'sent' });
    expect(await s.dispatch(shippedTo('whatsapp', '9876543210'))).toMatchObject({ status: 'sent' });
    expect(smtp.received.map((m) => m.envelope.to)).toEqual([['asha@customer.test']]);
    expect(wa.sim.messages.map((m) => m.to)).toEqual(['919876543210']);
  });

  it('sends admin alerts to EMAIL_FEEDBACK_TO, else to EMAIL_FROM (the store rule)', async () => {
    const stuck = { channel: 'admin_email' as const, event: 'stuck_alert' as const, orderId: 'ORD-1', data: FULL_FACTS.stuck_alert };
    await senderWith().dispatch(stuck);
    await senderWith({ EMAIL_FEEDBACK_TO: undefined }).dispatch(stuck);
    expect(smtp.received.map((m) => m.envelope.to)).toEqual([['ops@kala.test'], ['orders@kala.test']]);
  });
});

describe('skipped, not failed', () => {
  it.each([
    ['NOTIFY_EMAIL_ENABLED', 'email', 'email notifications are switched off (NOTIFY_EMAIL_ENABLED=false)'],
    ['NOTIFY_WHATSAPP_ENABLED', 'whatsapp', 'whatsapp notifications are switched off (NOTIFY_WHATSAPP_ENABLED=false)'],
  ] as const)('%s=false', async (variable, channel, reason) => {
    const s = senderWith({ [variable]: 'false' });
    expect(await s.dispatch(shippedTo(channel, channel === 'email' ? 'asha@customer.test' : '9876543210'))).toEqual({ status: 'skipped', reason });
    nothingSent();
  });

  it('NOTIFY_ADMIN_EMAIL_ENABLED=false, while customer email still goes', async () => {
    const s = senderWith({ NOTIFY_ADMIN_EMAIL_ENABLED: 'false' });
    expect(await s.dispatch({ channel: 'admin_email', event: 'admin_ndr_alert', orderId: 'ORD-1', data: FULL_FACTS.admin_ndr_alert })).toEqual({
      status: 'skipped',
      reason: 'admin_email notifications are switched off (NOTIFY_ADMIN_EMAIL_ENABLED=false)',
    });
    expect(await s.dispatch(shippedTo('email', 'asha@customer.test'))).toMatchObject({ status: 'sent' });
  });

  it('a customer without an email or a phone', async () => {
    const s = senderWith();
    expect(await s.dispatch(shippedTo('email'))).toEqual({ status: 'skipped', reason: 'no email on file' });
    expect(await s.dispatch(shippedTo('email', '  '))).toEqual({ status: 'skipped', reason: 'no email on file' });
    expect(await s.dispatch(shippedTo('whatsapp', ''))).toEqual({ status: 'skipped', reason: 'no phone on file' });
    nothingSent();
  });

  it('a channel switched on but not configured (development), with a warning at start-up', async () => {
    const log = { warnings: [] as string[] };
    const s = senderWith({ SMTP_URL: undefined, WHATSAPP_ACCESS_TOKEN: undefined }, log);
    expect(await s.dispatch(shippedTo('email', 'asha@customer.test'))).toEqual({ status: 'skipped', reason: 'email is not configured (SMTP_URL and EMAIL_FROM)' });
    expect(await s.dispatch(shippedTo('whatsapp', '9876543210'))).toEqual({
      status: 'skipped',
      reason: 'WhatsApp is not configured (WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_ACCESS_TOKEN)',
    });
    expect(log.warnings).toHaveLength(3);
    nothingSent();
  });

  it('an event the channel does not carry', async () => {
    const s = senderWith();
    expect(await s.dispatch({ channel: 'whatsapp', event: 'admin_ndr_alert', orderId: 'ORD-1', to: '9876543210', data: FULL_FACTS.admin_ndr_alert })).toEqual({
      status: 'skipped',
      reason: 'channel whatsapp does not carry admin_ndr_alert',
    });
    expect(await s.dispatch({ channel: 'admin_email', event: 'shipped', orderId: 'ORD-1', data: FULL_FACTS.shipped })).toMatchObject({ status: 'skipped' });
    nothingSent();
  });

  it("through the activities' port, a skip is thrown as NotificationSkipped with its reason", async () => {
    const port: ActivityNotificationSender = senderWith({ NOTIFY_EMAIL_ENABLED: 'false' });
    const message = { ...shippedTo('email', 'asha@customer.test'), to: 'asha@customer.test', idempotencyKey: 'ORD-1001:shipped:email' };
    await expect(port.send(message)).rejects.toEqual(new NotificationSkipped('email notifications are switched off (NOTIFY_EMAIL_ENABLED=false)'));
  });
});

describe('failures', () => {
  it('a message missing a fact its event requires fails permanently, before anything is sent', async () => {
    const s = senderWith();
    const attempt = s.dispatch({ channel: 'email', event: 'shipped', orderId: 'ORD-1', to: 'asha@customer.test', data: { courier: 'icarry' } });
    await expect(attempt).rejects.toMatchObject({ kind: 'permanent', code: 'template_data' });
    nothingSent();
  });

  it('reach Temporal as non-retryable (permanent), delayed (rate limited) or plain retryable', () => {
    const permanent = toActivityFailure(new NotificationError('permanent', 'undeliverable', 'WhatsApp 131026: …', { provider: 'whatsapp', providerCode: 131026 }));
    expect(permanent).toBeInstanceOf(ApplicationFailure);
    expect(permanent).toMatchObject({ type: NOTIFICATION_FAILURE_TYPES.permanent, nonRetryable: true, details: [{ code: 'undeliverable', provider: 'whatsapp', providerCode: 131026 }] });

    const limited = toActivityFailure(new NotificationError('retryable', 'rate_limited', 'WhatsApp 131056', { provider: 'whatsapp', retryAfterMs: 15_000 }));
    expect(limited).toMatchObject({ type: NOTIFICATION_FAILURE_TYPES.retryable, nonRetryable: false, nextRetryDelay: 15_000 });

    const down = toActivityFailure(new NotificationError('retryable', 'network', 'SMTP connection failed', { provider: 'smtp' }));
    expect(down).toMatchObject({ type: NOTIFICATION_FAILURE_TYPES.retryable, nonRetryable: false, nextRetryDelay: undefined });

    expect(toActivityFailure(new TypeError('a bug'))).toMatchObject({ type: NOTIFICATION_FAILURE_TYPES.retryable, nonRetryable: false });
  });
});

describe('start-up', () => {
  it('refuses broken templates of a channel that is switched on, and ignores those of one that is off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-templates-'));
    try {
      cpSync(TEMPLATES, dir, { recursive: true });
      writeFileSync(join(dir, 'whatsapp/shipped.json'), '{}');
      expect(() => senderWith({ TEMPLATES_DIR: dir })).toThrow(TemplateLoadError);
      expect(() => senderWith({ TEMPLATES_DIR: dir, NOTIFY_WHATSAPP_ENABLED: 'false' })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('in production, a channel that is on must have its settings; switched off, it needs none', () => {
    const core = { NODE_ENV: 'production', ADMIN_API_TOKENS: 't', SECRETS_KEY: 'k', TEMPORAL_ADDRESS: 't:7233', MONGODB_URI: 'mongodb://m', CODEC_KEY: 'c' };
    let message = '';
    try {
      loadConfig(core);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    for (const name of ['SMTP_URL', 'EMAIL_FROM', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_ACCESS_TOKEN', 'STORE_NAME']) expect(message).toContain(`  ${name}: required when NODE_ENV=production`);
    expect(() => loadConfig({ ...core, NOTIFY_EMAIL_ENABLED: 'false', NOTIFY_WHATSAPP_ENABLED: 'false', NOTIFY_ADMIN_EMAIL_ENABLED: 'false' })).not.toThrow();
  });
});

describe('every channel switched off', () => {
  it('needs no templates folder and skips everything', async () => {
    const s = senderWith({ NOTIFY_EMAIL_ENABLED: 'false', NOTIFY_WHATSAPP_ENABLED: 'false', NOTIFY_ADMIN_EMAIL_ENABLED: 'false', TEMPLATES_DIR: '/nonexistent/templates' });
    expect(await s.dispatch(shippedTo('email', 'asha@customer.test'))).toMatchObject({ status: 'skipped' });
    nothingSent();
  });
});

describe('logs', () => {
  it('say what was sent, never to whom, and never the token', async () => {
    const lines: string[] = [];
    const record = (meta: Record<string, unknown>, message: string) => void lines.push(JSON.stringify({ meta, message }));
    const s = createNotificationSender(testConfig({ SMTP_URL: smtp.url, WHATSAPP_API_BASE_URL: wa.baseUrl }), { log: { info: record, warn: record } });
    senders.push(s);
    await s.dispatch(shippedTo('email', 'asha@customer.test'));
    await s.dispatch(shippedTo('whatsapp', '+91 98765 43210'));
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toContain('"event":"shipped"');
    for (const secret of ['asha@customer.test', '98765', WHATSAPP_SIM_DEFAULTS.accessToken]) expect(lines.join('\n')).not.toContain(secret);
  });
});
