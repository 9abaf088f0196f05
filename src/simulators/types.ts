// What every courier simulator exposes, so `npm run sim`, `npm start` and tests drive them alike.
import type { Express } from 'express';
import type { CourierId } from '../domain/events';
import type { FaultConfig, Faults } from './faults';
import type { ScenarioEngine, ScenarioName, SimClock } from './scenario';
import type { PushOptions, WebhookPusher } from './webhook-pusher';

/**
 * Shared simulator rules (documented in docs/couriers.md):
 * - a delivery pincode starting with '9' is not serviceable (no civil Indian pincode starts with 9);
 * - the scenario of a new shipment is the one registered for its order id (POST /__sim/scenarios),
 *   else the default ('happy').
 */
export function isSimServiceable(pincode: string): boolean {
  return /^[1-8]\d{5}$/.test(pincode);
}

export interface SimulatorOptions {
  clock: SimClock;
  /** Credentials the simulator accepts (and webhook auth it sends). Defaults are documented per courier. */
  credentials?: Record<string, string>;
  webhook?: PushOptions & { /** The token/key the simulator sends to authenticate its webhooks. */ secret?: string };
  faults?: FaultConfig;
  defaultScenario?: ScenarioName;
  /** Divides scripted delays (3600: an hour of courier time per second). */
  timeScale?: number;
}

export interface CourierSimulator {
  readonly courier: CourierId;
  readonly app: Express;
  readonly engine: ScenarioEngine;
  readonly faults: Faults;
  readonly pusher: WebhookPusher;
  /** Scenario for the next shipment booked with this order id. */
  setScenario(orderId: string, scenario: ScenarioName): void;
  /** Emit due scans (and push their webhooks); returns how many. */
  tick(): number;
}

/**
 * Control routes every simulator mounts under /__sim (never subject to faults):
 *   POST /__sim/scenarios        {orderId, scenario}
 *   POST /__sim/tick             → {emitted}
 *   POST /__sim/faults           FaultConfig
 *   POST /__sim/webhook          {url?, duplicateRate?, reorder?, secret?}
 *   GET  /__sim/shipments/:awb   → SimShipment (state, scans, NDR actions received)
 *   GET  /__sim/stats            → fault and request counters
 */
export const SIM_CONTROL_PREFIX = '/__sim';
