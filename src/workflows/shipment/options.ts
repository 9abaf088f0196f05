// Defaults for ShipmentOptions. Pure: imported by the workflow and by the API (to show effective values).
import { DEFAULT_MAX_NDR_REATTEMPTS, DEFAULT_NDR_RESPONSE_HOURS, WEBHOOK_FRESH_HOURS } from '../../domain/shipment-policy';
import type { ShipmentOptions } from './contract';

/** A day: couriers' late and out-of-order pushes arrive within minutes to hours of the final scan. */
export const DEFAULT_LINGER_AFTER_FINAL_MINUTES = 24 * 60;

export const DEFAULT_SHIPMENT_OPTIONS: ShipmentOptions = {
  ndrResponseHours: DEFAULT_NDR_RESPONSE_HOURS,
  maxNdrReattempts: DEFAULT_MAX_NDR_REATTEMPTS,
  stuckAfterHours: {},
  pollMinutes: {},
  webhookFreshHours: WEBHOOK_FRESH_HOURS,
  lingerAfterFinalMinutes: DEFAULT_LINGER_AFTER_FINAL_MINUTES,
  notify: { email: true, whatsapp: true, adminEmail: true },
};

export function resolveOptions(partial: Partial<ShipmentOptions> | undefined): ShipmentOptions {
  const p = partial ?? {};
  return {
    ...DEFAULT_SHIPMENT_OPTIONS,
    ...p,
    stuckAfterHours: { ...DEFAULT_SHIPMENT_OPTIONS.stuckAfterHours, ...p.stuckAfterHours },
    pollMinutes: { ...DEFAULT_SHIPMENT_OPTIONS.pollMinutes, ...p.pollMinutes },
    notify: { ...DEFAULT_SHIPMENT_OPTIONS.notify, ...p.notify },
  };
}
