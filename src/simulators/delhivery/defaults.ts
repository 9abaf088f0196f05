// What the Delhivery simulator accepts and sends unless told otherwise (documented in docs/couriers/delhivery.md).
import type { SimulatorOptions } from '../types';

export const SIM_DEFAULTS = {
  /** `Authorization: Token sim-delhivery-token`. */
  token: 'sim-delhivery-token',
  /** A token "from the other environment": create answers with Delhivery's end_date error. */
  otherEnvToken: 'sim-delhivery-staging-token',
  /** The one registered pickup location; matched case-sensitively, as Delhivery does. */
  warehouse: 'Waybill Sim Warehouse',
  /** The client name Delhivery shows as SenderName and in create responses. */
  clientName: 'WAYBILLSIM-do',
  webhookSecret: 'sim-delhivery-webhook-secret',
  webhookHeader: 'authorization',
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
