// The tracking page's settings, from the one typed config. The link key is the only secret: production
// must set it; elsewhere it is generated once under DATA_DIR (shared by the API and the worker started
// from the same folder), so links made yesterday still open today.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { brandPalette, type Palette } from './color';

export interface Branding {
  storeName: string;
  logoUrl?: string;
  palette: Palette;
  supportEmail?: string;
  supportPhone?: string;
}

export interface TrackingPageSettings {
  /** Current key first, then the ones still accepted after a rotation. */
  keys: string[];
  publicBaseUrl: string;
  linkTtlDays: number;
  timeZone: string;
  branding: Branding;
  live: { pollMs: number; maxConnections: number };
}

type SettingsConfig = Pick<
  Config,
  | 'NODE_ENV'
  | 'DATA_DIR'
  | 'PUBLIC_BASE_URL'
  | 'TRACKING_LINK_SECRET'
  | 'TRACKING_LINK_OLD_SECRETS'
  | 'TRACKING_LINK_TTL_DAYS'
  | 'STORE_NAME'
  | 'STORE_LOGO_URL'
  | 'STORE_BRAND_COLOR'
  | 'STORE_SUPPORT_EMAIL'
  | 'STORE_SUPPORT_PHONE'
  | 'STORE_TIMEZONE'
  | 'TRACKING_LIVE_POLL_SECONDS'
  | 'TRACKING_LIVE_MAX_CONNECTIONS'
>;

export function trackingPageSettings(c: SettingsConfig): TrackingPageSettings {
  return {
    keys: [trackingLinkSecret(c), ...(c.TRACKING_LINK_OLD_SECRETS ?? [])],
    publicBaseUrl: c.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    linkTtlDays: c.TRACKING_LINK_TTL_DAYS,
    timeZone: c.STORE_TIMEZONE,
    branding: {
      storeName: c.STORE_NAME ?? 'Order tracking',
      ...(c.STORE_LOGO_URL ? { logoUrl: c.STORE_LOGO_URL } : {}),
      palette: brandPalette(c.STORE_BRAND_COLOR),
      ...(c.STORE_SUPPORT_EMAIL ? { supportEmail: c.STORE_SUPPORT_EMAIL } : {}),
      ...(c.STORE_SUPPORT_PHONE ? { supportPhone: c.STORE_SUPPORT_PHONE } : {}),
    },
    live: { pollMs: c.TRACKING_LIVE_POLL_SECONDS * 1000, maxConnections: c.TRACKING_LIVE_MAX_CONNECTIONS },
  };
}

export function trackingLinkSecret(c: Pick<Config, 'NODE_ENV' | 'DATA_DIR' | 'TRACKING_LINK_SECRET'>): string {
  if (c.TRACKING_LINK_SECRET) return c.TRACKING_LINK_SECRET;
  if (c.NODE_ENV === 'production') throw new Error('TRACKING_LINK_SECRET is required when NODE_ENV=production');
  const file = join(c.DATA_DIR, 'tracking-link.secret');
  try {
    mkdirSync(c.DATA_DIR, { recursive: true });
    // 'wx': when the API and the worker start together, exactly one of them writes the key.
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < 32) throw new Error(`${file} holds no usable tracking link key (delete it to generate one)`);
  return key;
}
