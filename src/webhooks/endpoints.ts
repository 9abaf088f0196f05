// Where each courier posts its webhooks, how it authenticates, and each courier's rules for the URL,
// for GET /api/admin/couriers/:courierId/webhook-url (what an admin pastes into the courier dashboard).
import type { CourierId } from '../domain/events';
import { HMAC_HEADER } from '../couriers/common/hmac';
import { icarryCallbackUrlToken } from '../couriers/icarry';
import type { WebhookSecrets } from './auth-settings';

/**
 * Shiprocket refuses webhook URLs containing "sr", "kr", "shiprocket" or "kartrocket" anywhere (a plain
 * substring check), so it gets its own path that passes. The named path stays for the seed's setups.
 */
export const SHIPROCKET_WEBHOOK_PATH = '/api/webhooks/courier/rocket';
export const SHIPROCKET_BANNED_SUBSTRINGS = ['sr', 'kr', 'shiprocket', 'kartrocket'] as const;

export const WEBHOOK_PATHS = {
  generic: '/api/webhooks/courier/:courierId',
  shiprocketNamed: '/api/webhooks/courier/shiprocket',
  shiprocket: SHIPROCKET_WEBHOOK_PATH,
  delhivery: '/api/webhooks/courier/delhivery',
  icarryStatus: '/api/webhooks/shipping-updates',
  icarryNdr: '/api/webhooks/ndr-updates',
} as const;

export interface WebhookSetup {
  courierId: CourierId;
  urls: Array<{ purpose: string; url: string }>;
  auth: { scheme: 'header' | 'body-token' | 'hmac-sha256'; header?: string; bodyField?: string; value: string; configured: boolean };
  /** The URLs pass the courier's own checks. */
  compliant: boolean;
  problems: string[];
  instructions: string;
}

export function urlProblems(courier: CourierId, url: string): string[] {
  if (courier !== 'shiprocket') return [];
  const lower = url.toLowerCase();
  return SHIPROCKET_BANNED_SUBSTRINGS.filter((s) => lower.includes(s)).map(
    (s) => `Shiprocket rejects webhook URLs containing "${s}"; serve the API under a host name without it (PUBLIC_BASE_URL)`,
  );
}

export function webhookSetup(courier: CourierId, publicBaseUrl: string, s: WebhookSecrets | null): WebhookSetup {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const hmac = s?.fields.webhookScheme === 'hmac-sha256';
  const urls = hmac
    ? [{ purpose: 'all webhooks', url: `${base}${WEBHOOK_PATHS.generic.replace(':courierId', courier)}` }]
    : courierUrls(courier, base, s);
  const auth: WebhookSetup['auth'] = hmac
    ? { scheme: 'hmac-sha256', header: HMAC_HEADER, value: 't=<unix seconds>,v1=hex(HMAC-SHA256(webhookSecret, "<t>.<raw body>"))', configured: !!s?.webhookSecret }
    : courierAuth(courier, s);
  const problems = urls.flatMap((u) => urlProblems(courier, u.url));
  if (!auth.configured) problems.push(`no ${courier === 'icarry' && !hmac ? 'apiKey' : 'webhookSecret'} is set: every webhook will be refused with 401 until it is`);
  return { courierId: courier, urls, auth, compliant: urls.every((u) => urlProblems(courier, u.url).length === 0), problems, instructions: INSTRUCTIONS[courier] };
}

function courierUrls(courier: CourierId, base: string, s: WebhookSecrets | null): WebhookSetup['urls'] {
  switch (courier) {
    case 'shiprocket':
      return [{ purpose: 'tracking updates', url: `${base}${WEBHOOK_PATHS.shiprocket}` }];
    case 'delhivery':
      return [{ purpose: 'scan push', url: `${base}${WEBHOOK_PATHS.delhivery}` }];
    case 'icarry': {
      // The NDR batch carries no token of its own, so both URLs carry one derived from the API key: iCarry
      // may offer a single callback setting, and either route takes every callback type.
      const token = s?.apiKey ? `?token=${icarryCallbackUrlToken(s.apiKey)}` : '';
      return [
        { purpose: 'status changes', url: `${base}${WEBHOOK_PATHS.icarryStatus}${token}` },
        { purpose: 'NDR batch', url: `${base}${WEBHOOK_PATHS.icarryNdr}${token}` },
      ];
    }
  }
}

function courierAuth(courier: CourierId, s: WebhookSecrets | null): WebhookSetup['auth'] {
  switch (courier) {
    case 'shiprocket':
      return { scheme: 'header', header: 'x-api-key', value: 'the webhookSecret stored in Waybill (Shiprocket calls it "security token")', configured: !!s?.webhookSecret };
    case 'delhivery':
      return {
        scheme: 'header',
        header: s?.fields.webhookHeaderName || 'authorization',
        value: 'the webhookSecret stored in Waybill, alone or as "Bearer <secret>"',
        configured: !!s?.webhookSecret,
      };
    case 'icarry':
      return { scheme: 'body-token', bodyField: 'token', value: "the account's API key (iCarry sends it itself)", configured: !!(s?.apiKey ?? s?.webhookSecret) };
  }
}

const INSTRUCTIONS: Record<CourierId, string> = {
  shiprocket: 'Shiprocket dashboard → Settings → API → Webhooks: add the URL, enable it, and enter the security token.',
  delhivery: 'Delhivery has no self-service setup: email lastmile-integration@delhivery.com the URL, method POST, content type application/json and the auth header (5–6 working days).',
  icarry: 'iCarry → Account Menu → Integrations → API Credentials: set the status and NDR callback URLs.',
};
