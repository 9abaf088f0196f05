// What the Delhivery simulator accepts and sends unless told otherwise (documented in docs/couriers/delhivery.md).
// Token, warehouse and webhook settings come from the shared SIMULATOR_DEFAULTS, so the worker's registry
// and the API's webhook auth, which read the same table, work against this simulator unchanged.
import { SIMULATOR_DEFAULTS } from '../defaults';
import type { SimulatorOptions } from '../types';

const shared = SIMULATOR_DEFAULTS.delhivery;

export const SIM_DEFAULTS = {
  /** `Authorization: Token <token>`. */
  token: shared.apiKey,
  /** A token "from the other environment": create answers with Delhivery's end_date error. */
  otherEnvToken: 'sim-delhivery-staging-token',
  /** The one registered pickup location; matched case-sensitively, as Delhivery does. */
  warehouse: shared.fields.warehouseName ?? 'WAYBILL-SIM-WH',
  /** The client name Delhivery shows as SenderName and in create responses. */
  clientName: 'WAYBILLSIM-do',
  webhookSecret: shared.webhookSecret,
  webhookHeader: shared.fields.webhookHeaderName ?? 'authorization',
  /** Sent as `Authorization: Bearer <secret>`, the example in Delhivery's webhook requirement form. */
  webhookScheme: 'Bearer' as 'Bearer' | 'Token' | 'raw',
  /** Requests per 5 minutes per client IP before the WAF answers 403 (Delhivery's published limits). */
  trackingPer5Min: 750,
  pincodePer5Min: 4500,
  /** Delhivery refuses to manifest below ₹500 of wallet balance. */
  walletBalance: 10_000,
} as const;

export interface DelhiverySimulatorOptions extends SimulatorOptions {
  /** credentials: `token`, `otherEnvToken`, `warehouse`, `clientName` (see SIM_DEFAULTS). */
  webhookHeader?: { name?: string; scheme?: 'Bearer' | 'Token' | 'raw' };
  limits?: { trackingPer5Min?: number; pincodePer5Min?: number };
  walletBalance?: number;
}
