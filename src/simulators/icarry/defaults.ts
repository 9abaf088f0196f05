import { SIMULATOR_DEFAULTS } from '../defaults';
import type { SimulatorOptions } from '../types';

const shared = SIMULATOR_DEFAULTS.icarry;

/** What the simulator accepts unless told otherwise (test values, nothing real). */
export const ICARRY_SIM_DEFAULTS = {
  username: shared.fields.username ?? 'sim-user',
  apiKey: shared.apiKey,
  /** Pickup addresses ("My Addresses") that exist on the simulated account. */
  pickupAddressIds: [shared.fields.pickupAddressId ?? '55'],
  tokenTtlMs: 60 * 60_000,
  firstShipmentId: 352,
  firstAwb: 345642367564,
} as const;

/** Behaviours iCarry is reported to have, switchable at runtime (POST /__sim/icarry/quirks). */
export interface IcarryQuirks {
  /** Prepend a PHP notice to every reply body, as IC-INT1 saw live. */
  phpNotice: boolean;
  /** Only these client IPs may log in (iCarry's allow-list); undefined = everyone. */
  allowedIps?: string[];
  /** Status callbacks as a form (PHP-style, the default) or JSON: IC-PDF does not say which. */
  statusCallbackEncoding: 'form' | 'json';
  /** IC-PDF lists no token in the NDR batch; set to add one, as a future iCarry might. */
  ndrBatchToken: boolean;
}

export const DEFAULT_QUIRKS: IcarryQuirks = { phpNotice: false, statusCallbackEncoding: 'form', ndrBatchToken: false };

export interface IcarrySimulatorOptions extends SimulatorOptions {
  /** credentials: { username, apiKey } (defaults above). */
  quirks?: Partial<IcarryQuirks>;
  pickupAddressIds?: string[];
}
