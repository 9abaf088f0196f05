import type { BuiltinCourierId } from '../couriers/registry';
import type { NdrReason, ShipmentStatus } from './status';

/**
 * A courier's id: a built-in one (named, so editors complete them) or any courier registered at run time.
 * Input is checked against the registry where it enters (src/couriers/registry.ts: courierIdSchema).
 */
export type CourierId = BuiltinCourierId | (string & {});

/** How an event reached Waybill. */
export type EventSource = 'webhook' | 'poll' | 'manual' | 'booking';

/**
 * One courier scan, normalised. Produced only by src/couriers mappers; JSON-plain so it can travel in
 * signals, activity results and continue-as-new.
 */
export interface TrackingEvent {
  /**
   * Stable dedupe key, identical whether the scan arrived by webhook or by poll
   * (courier:awb:rawCode:occurredAt-to-the-second, or the courier's own event id where it has one).
   */
  key: string;
  courier: CourierId;
  awb: string;
  /** Normalised status; null for informational scans that do not change the status (Shiprocket "NA"). */
  status: ShipmentStatus | null;
  /** The courier's raw code and label, always kept (e.g. "X-PPOM", "18", "REATTEMPT-CONTACT"). */
  rawCode: string;
  rawLabel: string;
  description: string;
  location?: string;
  /** When the courier says the scan happened, ISO-8601 UTC. Orders events; arrival time never does. */
  occurredAt: string;
  /** Present on NDR scans. */
  ndr?: { reason: NdrReason; rawCode: string; rawText: string; attempt?: number };
  /** True when the courier code was not in the status table (the status fell back). */
  unmapped?: boolean;
}
