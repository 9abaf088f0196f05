// The settings Waybill uses for a courier that has no stored credentials while COURIER_MODE allows the
// simulators: what the simulator accepts, what the client sends, and the webhook secret the simulator
// signs its pushes with (so the API authenticates simulated webhooks exactly as it does real ones).
// Test values only; nothing here is a real credential.
import type { CourierId } from '../domain/events';

export interface SimulatorDefaults {
  portOffset: number;
  /** Courier settings as an admin would store them (see the courier settings API). */
  apiKey: string;
  apiSecret?: string;
  webhookSecret: string;
  fields: Record<string, string>;
}

export const SIMULATOR_DEFAULTS: Record<CourierId, SimulatorDefaults> = {
  shiprocket: {
    portOffset: 0,
    apiKey: 'api@waybill.test', // Shiprocket API user email
    apiSecret: 'sim-password',
    webhookSecret: 'sim-shiprocket-webhook-token',
    fields: { pickupLocation: 'Primary', pickupPincode: '560068' },
  },
  delhivery: {
    portOffset: 1,
    apiKey: 'sim-delhivery-token',
    webhookSecret: 'sim-delhivery-webhook-header',
    fields: { warehouseName: 'WAYBILL-SIM-WH', webhookHeaderName: 'authorization' },
  },
  icarry: {
    portOffset: 2,
    apiKey: 'sim-icarry-key',
    // iCarry's status callback carries the account API key itself as its token.
    webhookSecret: 'sim-icarry-key',
    fields: { username: 'sim-user', pickupAddressId: '55', pickupPincode: '560068' },
  },
};

export function simulatorBaseUrl(courier: CourierId, host: string, basePort: number): string {
  return `http://${host}:${basePort + SIMULATOR_DEFAULTS[courier].portOffset}`;
}
