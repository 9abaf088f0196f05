// Each courier's webhook reader (authenticate + parse), keyed by courier. A courier without one here
// answers 404 on its webhook routes.
import type { CourierId } from '../domain/events';
import { delhiveryWebhook } from '../couriers/delhivery';
import { icarryWebhook } from '../couriers/icarry';
import { shiprocketWebhook } from '../couriers/shiprocket';
import type { CourierWebhook } from '../couriers/types';

export type WebhookModules = Partial<Record<CourierId, CourierWebhook>>;

export const COURIER_WEBHOOKS: WebhookModules = {
  shiprocket: shiprocketWebhook,
  delhivery: delhiveryWebhook,
  icarry: icarryWebhook,
};
