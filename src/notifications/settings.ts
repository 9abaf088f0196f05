// What the notification channels need from the app's configuration, resolved once: which channels are
// on, which are on but cannot send (development without SMTP or WhatsApp settings: their messages are
// skipped with that reason; production refuses to start instead, see config.ts), and the branding.
import { resolve } from 'node:path';
import type { Config } from '../config';
import type { NotificationChannel } from '../storage/types';
import type { Brand } from './template/values';

export type NotificationConfig = Pick<
  Config,
  | 'NOTIFY_EMAIL_ENABLED'
  | 'NOTIFY_WHATSAPP_ENABLED'
  | 'NOTIFY_ADMIN_EMAIL_ENABLED'
  | 'SMTP_URL'
  | 'EMAIL_FROM'
  | 'EMAIL_FEEDBACK_TO'
  | 'WHATSAPP_API_BASE_URL'
  | 'WHATSAPP_PHONE_NUMBER_ID'
  | 'WHATSAPP_ACCESS_TOKEN'
  | 'WHATSAPP_TEMPLATE_LANGUAGE'
  | 'STORE_NAME'
  | 'STORE_SUPPORT_EMAIL'
  | 'STORE_SUPPORT_PHONE'
  | 'STORE_TIMEZONE'
  | 'TEMPLATES_DIR'
>;

/** Shown when STORE_NAME is unset outside production (production requires it). */
export const DEV_STORE_NAME = 'Waybill Demo Store';

export interface ChannelState {
  /** Switched on by its NOTIFY_*_ENABLED variable (its templates are checked at start-up even if it cannot send yet). */
  enabled: boolean;
  /** Why this channel's messages are skipped; undefined when it sends. */
  offReason?: string;
}

export interface NotificationSettings {
  channels: Record<NotificationChannel, ChannelState>;
  smtp?: { url: string; from: string };
  /** Where admin alerts go: EMAIL_FEEDBACK_TO, else EMAIL_FROM (the store's rule). */
  adminEmail?: string;
  whatsapp?: { baseUrl: string; phoneNumberId: string; accessToken: string; language: string };
  brand: Brand;
  timeZone: string;
  templatesDir: string;
}

const SWITCH: Record<NotificationChannel, keyof NotificationConfig> = {
  email: 'NOTIFY_EMAIL_ENABLED',
  whatsapp: 'NOTIFY_WHATSAPP_ENABLED',
  admin_email: 'NOTIFY_ADMIN_EMAIL_ENABLED',
};

export function notificationSettings(c: NotificationConfig): NotificationSettings {
  const smtp = c.SMTP_URL && c.EMAIL_FROM ? { url: c.SMTP_URL, from: c.EMAIL_FROM } : undefined;
  const whatsapp =
    c.WHATSAPP_PHONE_NUMBER_ID && c.WHATSAPP_ACCESS_TOKEN
      ? { baseUrl: c.WHATSAPP_API_BASE_URL, phoneNumberId: c.WHATSAPP_PHONE_NUMBER_ID, accessToken: c.WHATSAPP_ACCESS_TOKEN, language: c.WHATSAPP_TEMPLATE_LANGUAGE }
      : undefined;
  const adminEmail = c.EMAIL_FEEDBACK_TO || c.EMAIL_FROM || undefined;
  const unconfigured: Record<NotificationChannel, string | undefined> = {
    email: smtp ? undefined : 'email is not configured (SMTP_URL and EMAIL_FROM)',
    admin_email: !smtp ? 'email is not configured (SMTP_URL and EMAIL_FROM)' : !adminEmail ? 'no admin address (EMAIL_FEEDBACK_TO or EMAIL_FROM)' : undefined,
    whatsapp: whatsapp ? undefined : 'WhatsApp is not configured (WHATSAPP_PHONE_NUMBER_ID and WHATSAPP_ACCESS_TOKEN)',
  };
  const channels = {} as Record<NotificationChannel, ChannelState>;
  for (const channel of Object.keys(SWITCH) as NotificationChannel[]) {
    const offReason = c[SWITCH[channel]] ? unconfigured[channel] : `${channel} notifications are switched off (${SWITCH[channel]}=false)`;
    channels[channel] = { enabled: Boolean(c[SWITCH[channel]]), ...(offReason ? { offReason } : {}) };
  }
  return {
    channels,
    ...(smtp ? { smtp } : {}),
    ...(adminEmail ? { adminEmail } : {}),
    ...(whatsapp ? { whatsapp } : {}),
    brand: {
      storeName: c.STORE_NAME || DEV_STORE_NAME,
      ...(c.STORE_SUPPORT_EMAIL ? { supportEmail: c.STORE_SUPPORT_EMAIL } : {}),
      ...(c.STORE_SUPPORT_PHONE ? { supportPhone: c.STORE_SUPPORT_PHONE } : {}),
    },
    timeZone: c.STORE_TIMEZONE,
    templatesDir: resolve(c.TEMPLATES_DIR),
  };
}

/** The channels switched on: their templates must load at start-up. */
export function enabledChannels(s: NotificationSettings): NotificationChannel[] {
  return (Object.keys(s.channels) as NotificationChannel[]).filter((ch) => s.channels[ch].enabled);
}
