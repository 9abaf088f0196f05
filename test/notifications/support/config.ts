// Notification config as the app builds it (through loadConfig), with every channel pointed at the
// servers a test started. Only the variables a test names differ from a development setup.
import { resolve } from 'node:path';
import { loadConfig, type Config } from '../../../src/config';
import { WHATSAPP_SIM_DEFAULTS } from '../../../src/simulators/whatsapp/defaults';

export const TEMPLATES = resolve(__dirname, '../../../templates');

export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    STORE_NAME: 'Kala & Co',
    STORE_SUPPORT_EMAIL: 'help@kala.test',
    EMAIL_FROM: 'orders@kala.test',
    EMAIL_FEEDBACK_TO: 'ops@kala.test',
    WHATSAPP_PHONE_NUMBER_ID: WHATSAPP_SIM_DEFAULTS.phoneNumberId,
    WHATSAPP_ACCESS_TOKEN: WHATSAPP_SIM_DEFAULTS.accessToken,
    TEMPLATES_DIR: TEMPLATES,
    ...env,
  } as NodeJS.ProcessEnv);
}

/** Facts a workflow captures for each event: every variable the catalog offers. */
export const FULL_FACTS = {
  shipped: { awb: 'ICR123456789', courier: 'icarry', trackingPageUrl: 'https://track.kala.test/o/ORD-1001?t=abc&x=1', expectedDeliveryAt: '2025-03-14T12:00:00Z', customerName: 'Asha' },
  out_for_delivery: { awb: 'ICR123456789', courier: 'delhivery', trackingPageUrl: 'https://track.kala.test/o/ORD-1001?t=abc', customerName: 'Asha' },
  delivered: { awb: 'ICR123456789', courier: 'icarry', deliveredAt: '2025-03-14T09:30:00Z', trackingPageUrl: 'https://track.kala.test/o/ORD-1001?t=abc', customerName: 'Asha' },
  ndr_action_needed: {
    awb: 'ICR123456789',
    courier: 'shiprocket',
    courierName: 'Xpressbees',
    trackingPageUrl: 'https://track.kala.test/o/ORD-1001?t=abc',
    reasonText: 'Consignee not available',
    deadlineAt: '2025-03-15T12:30:00Z',
    attempts: 1,
    customerName: 'Asha',
  },
  rto_initiated: { awb: 'ICR123456789', courier: 'icarry', trackingPageUrl: 'https://track.kala.test/o/ORD-1001?t=abc', reasonText: 'Refused by customer', customerName: 'Asha' },
  admin_ndr_alert: {
    awb: 'ICR123456789',
    courier: 'icarry',
    reason: 'consignee_unavailable',
    reasonText: 'Consignee not available',
    attempts: 2,
    deadlineAt: '2025-03-15T12:30:00Z',
    escalated: true,
    trackingPageUrl: 'https://track.kala.test/o/ORD-1001?t=abc',
  },
  stuck_alert: { awb: 'ICR123456789', courier: 'delhivery', status: 'in_transit', lastEventAt: '2025-03-10T08:00:00Z' },
  store_endpoint_disabled: { endpointUrl: 'https://shop.kala.test/waybill/webhooks', endpointId: 'ep_0123456789abcdef', reason: 'the endpoint answered 410 Gone' },
} as const;

/** Only what each event requires. */
export const MINIMAL_FACTS = {
  shipped: { awb: 'ICR1', courier: 'icarry', trackingPageUrl: 'https://track.kala.test/o/1' },
  out_for_delivery: {},
  delivered: {},
  ndr_action_needed: { trackingPageUrl: 'https://track.kala.test/o/1' },
  rto_initiated: {},
  admin_ndr_alert: { awb: 'ICR1', courier: 'icarry' },
  stuck_alert: { awb: 'ICR1', courier: 'icarry', status: 'in_transit', lastEventAt: '2025-03-10T08:00:00Z' },
  store_endpoint_disabled: { endpointUrl: 'https://shop.kala.test/hooks', endpointId: 'ep_0123456789abcdef', reason: 'failing for 3 days' },
} as const;
