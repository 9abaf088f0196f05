// Where each courier posts its webhooks, how it authenticates, and each courier's rules for the URL,
// for GET /api/admin/couriers/:courierId/webhook-url (what an admin pastes into the courier dashboard).
// The courier-specific parts come from each courier's descriptor (src/couriers/<courier>/index.ts).
import { HMAC_HEADER } from '../couriers/common/hmac';
import { courierWebhookPath, type WebhookSetupAuth } from '../couriers/descriptor';
import { DELHIVERY_WEBHOOK_PATH } from '../couriers/delhivery';
import { ICARRY_NDR_WEBHOOK_PATH, ICARRY_STATUS_WEBHOOK_PATH } from '../couriers/icarry';
import { courierDescriptor, listCouriers } from '../couriers/registry';
import { SHIPROCKET_NAMED_WEBHOOK_PATH, SHIPROCKET_WEBHOOK_PATH } from '../couriers/shiprocket';
import type { CourierId } from '../domain/events';
import type { WebhookSecrets } from './auth-settings';

export { SHIPROCKET_BANNED_SUBSTRINGS, SHIPROCKET_WEBHOOK_PATH } from '../couriers/shiprocket';

/** Every courier answers on the generic path; these are the built-in couriers' own paths, for tests and tools. */
export const WEBHOOK_PATHS = {
  generic: courierWebhookPath(':courierId'),
  shiprocketNamed: SHIPROCKET_NAMED_WEBHOOK_PATH,
  shiprocket: SHIPROCKET_WEBHOOK_PATH,
  delhivery: DELHIVERY_WEBHOOK_PATH,
  icarryStatus: ICARRY_STATUS_WEBHOOK_PATH,
  icarryNdr: ICARRY_NDR_WEBHOOK_PATH,
} as const;

/** Each registered courier's own webhook paths (besides the generic one), path → courier. */
export function courierWebhookRoutes(): Array<{ path: string; courier: CourierId }> {
  return listCouriers().flatMap((c) => c.webhook.routes.map((r) => ({ path: r.path, courier: c.id })));
}

export interface WebhookSetup {
  courierId: CourierId;
  urls: Array<{ purpose: string; url: string }>;
  auth: WebhookSetupAuth;
  /** The URLs pass the courier's own checks. */
  compliant: boolean;
  problems: string[];
  instructions: string;
}

export function urlProblems(courier: CourierId, url: string): string[] {
  return courierDescriptor(courier).webhook.urlProblems?.(url) ?? [];
}

export function webhookSetup(courier: CourierId, publicBaseUrl: string, s: WebhookSecrets | null): WebhookSetup {
  const d = courierDescriptor(courier).webhook;
  const base = publicBaseUrl.replace(/\/+$/, '');
  const hmac = s?.fields.webhookScheme === 'hmac-sha256';
  const urls = hmac ? [{ purpose: 'all webhooks', url: `${base}${courierWebhookPath(courier)}` }] : d.setupUrls(base, s);
  const auth: WebhookSetupAuth = hmac
    ? { scheme: 'hmac-sha256', header: HMAC_HEADER, value: 't=<unix seconds>,v1=hex(HMAC-SHA256(webhookSecret, "<t>.<raw body>"))', configured: !!s?.webhookSecret }
    : d.setupAuth(s);
  const problems = urls.flatMap((u) => urlProblems(courier, u.url));
  if (!auth.configured) problems.push(`no ${hmac ? 'webhookSecret' : d.secretName} is set: every webhook will be refused with 401 until it is`);
  return { courierId: courier, urls, auth, compliant: urls.every((u) => urlProblems(courier, u.url).length === 0), problems, instructions: d.instructions };
}
