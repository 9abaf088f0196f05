// Each courier's webhook reader (authenticate + parse), keyed by courier. A courier without one here
// answers 404 on its webhook routes.
import { listCouriers } from '../couriers/registry';
import type { CourierId, CourierWebhook } from '../couriers/types';

export type WebhookModules = Partial<Record<CourierId, CourierWebhook>>;

/** The registered couriers' readers, as registered now (build the pipeline after registering couriers). */
export function courierWebhooks(): WebhookModules {
  return Object.fromEntries(listCouriers().map((c) => [c.id, c.webhook.receiver]));
}
