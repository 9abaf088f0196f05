// Courier news and what follows from it. A webhook signal, a poll result or a status set by hand goes
// through the status machine; new events and status changes then open or close the NDR, clear the
// stuck flag, announce notifications and mark the projection for the next flush.
import type { TrackOutput } from '../../activities';
import type { TrackingEvent } from '../../domain/events';
import { milestonesFor } from '../../domain/shipment-policy';
import { ingest, type IngestResult } from '../../domain/state-machine';
import { trackCalls } from './activity-proxies';
import type { CourierEventSignal } from './contract';
import { failureMessage } from './failures';
import { openNdr, repeatedAttempt } from './ndr';
import { nowIso, type Shipment } from './shipment';
import { shipmentRef } from './state';

export function applySignal(sh: Shipment, sig: CourierEventSignal): void {
  const s = sh.s;
  const receivedAt = sig.receivedAt || nowIso();
  if (sig.source === 'webhook' && (!s.lastWebhookAt || s.lastWebhookAt < receivedAt)) s.lastWebhookAt = receivedAt;
  if (!s.lastSyncAt || s.lastSyncAt < receivedAt) s.lastSyncAt = receivedAt;
  afterIngest(sh, ingest(s.machine, sig.events, sig.source, receivedAt), sig.events);
  sh.journal.touch();
}

/** Everything that follows from new events or a new status: NDR, stuck flag, notifications, projection. */
export function afterIngest(sh: Shipment, r: IngestResult, incoming: TrackingEvent[] | undefined): void {
  const s = sh.s;
  s.machine = r.machine;
  if (r.added.length > 0) {
    s.projection.pendingEventKeys.push(...r.added.map((e) => e.key));
    const newest = r.machine.events[r.machine.events.length - 1];
    if (newest) {
      s.lastEventAt = newest.occurredAt;
      s.courierStatus = newest.rawLabel;
      if (newest.location) s.location = newest.location;
    }
    if (s.stuck.flagged) s.stuck = { flagged: false };
  }
  for (const t of r.transitions) {
    if (t.to === 'undelivered' && t.source !== 'manual') reopenNdr(sh, incoming?.find((e) => e.key === t.eventKey));
    else if (s.ndr?.open && t.to !== 'undelivered') s.ndr = { ...s.ndr, open: false };
    for (const event of milestonesFor(t.from, t.to)) sh.outbox.announce(event);
  }
  // A further failed attempt while the shipment stays undelivered: new deadline, new default action.
  const again = r.transitions.length === 0 && incoming ? repeatedAttempt(s.ndr, r, s.machine) : undefined;
  if (again) reopenNdr(sh, incoming?.find((e) => e.key === again));
}

function reopenNdr(sh: Shipment, cause: TrackingEvent | undefined): void {
  const { ndr, note } = openNdr(sh.s.ndr, cause, { nowMs: Date.now(), responseHours: sh.opts.ndrResponseHours, capabilities: sh.s.capabilities });
  sh.s.ndr = ndr;
  sh.journal.note(note);
}

/** A poll by the poller: its events queue behind signals already received, like a signal of its own. */
export function takePollResult(sh: Shipment, out: TrackOutput): void {
  sh.s.pollError = undefined;
  takeTrackingFacts(sh, out);
  sh.s.inbox.push({ events: out.events, source: 'poll', receivedAt: out.polledAt });
}

export function takePollFailure(sh: Shipment, error: string | undefined): void {
  sh.s.pollError = error;
  sh.journal.touch();
}

function takeTrackingFacts(sh: Shipment, out: TrackOutput): void {
  if (out.expectedDeliveryAt) sh.s.expectedDeliveryAt = out.expectedDeliveryAt;
  if (!sh.s.lastSyncAt || sh.s.lastSyncAt < out.polledAt) sh.s.lastSyncAt = out.polledAt;
  sh.journal.touch();
}

/** A poll outside the poller (refresh, stuck check): applied at once. */
export async function pollNow(sh: Shipment): Promise<{ ok: true } | { ok: false; error: string }> {
  const ref = shipmentRef(sh.s);
  if (!ref) return { ok: false, error: 'not booked' };
  try {
    const out = await trackCalls.trackNow({ courier: sh.s.courier, ref });
    takeTrackingFacts(sh, out);
    applySignal(sh, { events: out.events, source: 'poll', receivedAt: out.polledAt });
    return { ok: true };
  } catch (err) {
    return { ok: false, error: failureMessage(err) };
  }
}
