// When the shipment next needs attention without any news: the NDR response window closing, or the
// time after which no new scan makes it stuck. Pure; the Alarm (alarm.ts) waits for the earliest.
import { stuckAfterMs } from '../../domain/shipment-policy';
import type { ShipmentOptions } from './contract';
import { ndrDeadline } from './ndr';
import type { ShipmentState } from './state';

export function nextDeadline(s: ShipmentState, opts: ShipmentOptions): number | undefined {
  const times: number[] = [];
  const ndr = ndrDeadline(s.ndr);
  if (ndr !== undefined) times.push(ndr);
  const stuck = stuckAt(s, opts);
  if (stuck !== undefined) times.push(stuck);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** When a booked shipment counts as stuck: its status's allowance after the latest scan, change or booking. */
export function stuckAt(s: ShipmentState, opts: ShipmentOptions): number | undefined {
  if (s.stuck.flagged || s.booking.state !== 'booked') return undefined;
  const after = stuckAfterMs(s.machine.status, opts.stuckAfterHours);
  if (after === undefined) return undefined;
  const lastTransition = s.machine.transitions[s.machine.transitions.length - 1];
  const since = Math.max(Date.parse(s.booking.bookedAt), s.lastEventAt ? Date.parse(s.lastEventAt) : 0, lastTransition ? Date.parse(lastTransition.recordedAt) : 0);
  return since + after;
}
