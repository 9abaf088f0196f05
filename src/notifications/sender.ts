// The notification sender the worker's activities call: picks the channel, decides whether the message
// goes at all (switched off, not configured, no contact → skipped with a reason), renders the store's
// templates and hands the result to SMTP or the WhatsApp Cloud API. It sends once per call and never
// dedupes: exactly-once is the ledger's job, in the activity around it.
import type { Dispatcher } from 'undici';
import { channelCarries } from './catalog';
import { SmtpEmailChannel, type SmtpTimeouts } from './email/smtp-channel';
import { NotificationError, NotificationSkipped } from './errors';
import type { NotificationChannel } from '../storage/types';
import { enabledChannels, notificationSettings, type ChannelState, type NotificationConfig, type NotificationSettings } from './settings';
import { loadTemplates, type TemplateSet } from './template/load';
import { templateValues } from './template/values';
import type { DeliveryOutcome, NotificationMessage, NotifyLog } from './types';
import { WhatsAppCloudClient } from './whatsapp/cloud-api-client';
import { toWhatsAppNumber } from './whatsapp/phone';

export interface NotificationSenderDeps {
  log?: NotifyLog;
  /** undici dispatcher for the Cloud API (proxies, tests). */
  dispatcher?: Dispatcher;
  smtpTimeouts?: Partial<SmtpTimeouts>;
  whatsAppTimeoutMs?: number;
}

export interface Notifier {
  /** Where admin alerts go (EMAIL_FEEDBACK_TO, else EMAIL_FROM): the activities' `adminEmail`. */
  readonly adminEmail: string | undefined;
  /** Which channels send, and why the others do not. (The settings themselves hold secrets: not exposed.) */
  readonly channels: Readonly<Record<NotificationChannel, ChannelState>>;
  readonly templates: TemplateSet;
  /** Why this message would not be sent, or undefined when it would (no I/O). */
  skipReason(message: NotificationMessage): string | undefined;
  /** Sends the message, or reports it skipped. Throws NotificationError (retryable or permanent) on failure. */
  dispatch(message: NotificationMessage): Promise<DeliveryOutcome>;
  /**
   * The activities' NotificationSender port: like dispatch, but a skipped message throws
   * NotificationSkipped (the port's result has no room for "skipped").
   */
  send(message: NotificationMessage): Promise<{ providerMessageId: string }>;
  /** Logs in to the SMTP server once (worker readiness); resolves at once when email cannot send. */
  verify(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the sender from the app's config. Loads and checks every template of every channel that is
 * switched on, so a broken template stops start-up (TemplateLoadError lists all problems).
 */
export function createNotificationSender(config: NotificationConfig, deps: NotificationSenderDeps = {}): Notifier {
  const settings = notificationSettings(config);
  const templates = loadTemplates(settings.templatesDir, enabledChannels(settings));
  const emailSends = !settings.channels.email.offReason || !settings.channels.admin_email.offReason;
  const smtp =
    settings.smtp && emailSends
      ? new SmtpEmailChannel({
          url: settings.smtp.url,
          from: settings.smtp.from,
          storeName: settings.brand.storeName,
          ...(settings.brand.supportEmail ? { replyTo: settings.brand.supportEmail } : {}),
          ...(deps.smtpTimeouts ? { timeouts: deps.smtpTimeouts } : {}),
        })
      : undefined;
  const whatsapp =
    settings.whatsapp && !settings.channels.whatsapp.offReason
      ? new WhatsAppCloudClient({
          baseUrl: settings.whatsapp.baseUrl,
          phoneNumberId: settings.whatsapp.phoneNumberId,
          accessToken: settings.whatsapp.accessToken,
          ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
          ...(deps.whatsAppTimeoutMs ? { timeoutMs: deps.whatsAppTimeoutMs } : {}),
        })
      : undefined;
  for (const [channel, state] of Object.entries(settings.channels)) {
    if (state.enabled && state.offReason) deps.log?.warn({ channel }, `notifications: ${state.offReason}; its messages will be skipped`);
  }

  const skipReason = (m: NotificationMessage): string | undefined => {
    if (!channelCarries(m.channel, m.event)) return `channel ${m.channel} does not carry ${m.event}`;
    const off = settings.channels[m.channel].offReason;
    if (off) return off;
    if (!recipient(m, settings)) return m.channel === 'whatsapp' ? 'no phone on file' : m.channel === 'email' ? 'no email on file' : 'no admin address';
    return undefined;
  };

  const dispatch = async (m: NotificationMessage): Promise<DeliveryOutcome> => {
    const reason = skipReason(m);
    if (reason) return { status: 'skipped', reason };
    const to = recipient(m, settings)!;
    const values = templateValues(m.event, m.orderId, m.data, { brand: settings.brand, timeZone: settings.timeZone });
    const idempotencyKey = m.idempotencyKey ?? `${m.orderId}:${m.event}:${m.channel}`;
    let providerMessageId: string;
    if (m.channel === 'whatsapp') {
      const number = toWhatsAppNumber(to);
      if (!number) throw new NotificationError('permanent', 'invalid_recipient', 'the phone number on file is not a valid mobile number', { provider: 'whatsapp' });
      const rendered = templates.renderWhatsApp(m.event, values);
      const empty = rendered.parameters.findIndex((p) => p === '');
      if (empty >= 0) throw new NotificationError('permanent', 'template_data', `whatsapp/${m.event}.json: parameter {{${empty + 1}}} rendered empty (WhatsApp rejects empty parameters)`, { provider: 'template' });
      ({ providerMessageId } = await whatsapp!.sendTemplate({ to: number, name: rendered.name, language: rendered.language ?? settings.whatsapp!.language, parameters: rendered.parameters }));
    } else {
      const rendered = templates.renderEmail(m.channel, m.event, values);
      ({ providerMessageId } = await smtp!.send({ to, ...rendered, idempotencyKey }));
    }
    deps.log?.info({ orderId: m.orderId, event: m.event, channel: m.channel, providerMessageId }, 'notification sent');
    return { status: 'sent', providerMessageId };
  };

  return {
    adminEmail: settings.adminEmail,
    channels: settings.channels,
    templates,
    skipReason,
    dispatch,
    async send(m) {
      const outcome = await dispatch(m);
      if (outcome.status === 'skipped') throw new NotificationSkipped(outcome.reason);
      return { providerMessageId: outcome.providerMessageId };
    },
    async verify() {
      await smtp?.verify();
    },
    async close() {
      smtp?.close();
    },
  };
}

function recipient(m: NotificationMessage, s: NotificationSettings): string | undefined {
  const to = m.to?.trim();
  if (m.channel === 'admin_email') return to || s.adminEmail;
  return to || undefined;
}
