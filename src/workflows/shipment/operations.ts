// What the main loop does at the courier, on a schedule or on request: booking, answering an NDR, the
// deadlines (the NDR's default action, the stuck check), and the five commands the updates queue.
// Each step changes the state and calls the activities it needs; the decisions are in commands.ts,
// ndr.ts and deadlines.ts.
import { log } from '@temporalio/workflow';
import type { NdrAction } from '../../domain/ndr';
import { defaultNdrDecision } from '../../domain/shipment-policy';
import { setBase, setManualStatus } from '../../domain/state-machine';
import { courierCalls } from './activity-proxies';
import { answered, recordAnswer, refreshAnswer, refusal, refusedAnswer, resolveNdrAnswer, type Command } from './commands';
import type { CancelRequest, CancelResult, NdrState } from './contract';
import { stuckAt } from './deadlines';
import { bookingFailure, failureMessage } from './failures';
import { answerNdr, escalateNdr, ndrDeadline, type NdrResponder, type Note } from './ndr';
import { nowIso, type Shipment } from './shipment';
import { bookedState, bookingOutcome, shipmentRef } from './state';
import { afterIngest, pollNow } from './tracking';

export async function book(sh: Shipment): Promise<void> {
  const s = sh.s;
  s.bookingAttempts += 1;
  try {
    const { booking, capabilities } = await courierCalls.bookShipment({ courier: s.courier, request: s.request });
    s.booking = bookedState(booking, s.courier, nowIso());
    s.capabilities = capabilities;
    if (booking.expectedDeliveryAt) s.expectedDeliveryAt = booking.expectedDeliveryAt;
    afterIngest(sh, setBase(s.machine, 'booked', nowIso()), undefined);
  } catch (err) {
    const { code, message } = bookingFailure(err);
    s.booking = { state: 'failed', code, message, retryable: false, failedAt: nowIso() };
    sh.journal.note({ key: `booking-failed:${s.bookingAttempts}`, text: `Booking with ${s.courier} failed (${code}). Waiting for ops to fix the order, pick another courier or cancel.` });
    log.warn('booking failed', { orderId: s.orderId, courier: s.courier, code });
  }
  sh.journal.touch();
}

/** The alarm rang: an NDR left unanswered gets its default action; a shipment without scans is flagged stuck. */
export async function checkDeadlines(sh: Shipment): Promise<void> {
  const s = sh.s;
  const now = Date.now();
  const ndr = s.ndr;
  const ndrDue = ndrDeadline(ndr);
  if (ndr && ndrDue !== undefined && ndrDue <= now) {
    const decision = defaultNdrDecision(ndr.attempts, sh.opts.maxNdrReattempts, s.capabilities?.ndrActions ?? false);
    if (decision.action === 'reattempt') await actOnNdr(sh, { type: 'reattempt', comment: 'no response in time: default reattempt' }, 'default');
    else setNdr(sh, escalateNdr(ndr, decision.why));
  }
  const stuck = stuckAt(s, sh.opts);
  if (stuck !== undefined && stuck <= now) {
    s.stuck = { flagged: true, at: nowIso(), status: s.machine.status };
    sh.journal.note({ key: `stuck:${s.machine.transitions.length}:${s.lastEventAt ?? ''}`, text: `No courier scan since ${s.lastEventAt ?? 'booking'} while ${s.machine.status}: flagged stuck, forcing a poll.` });
    sh.outbox.announce('stuck_alert');
    sh.journal.touch();
    await pollNow(sh);
  }
}

async function actOnNdr(sh: Shipment, action: NdrAction, by: NdrResponder): Promise<{ sentToCourier: boolean; error?: string }> {
  const s = sh.s;
  const ref = shipmentRef(s);
  const ndr = s.ndr;
  if (!ref || !ndr) return { sentToCourier: false, error: 'no open NDR' };
  const answer = { action, by, at: nowIso(), courier: s.courier };
  if (!(s.capabilities?.ndrActions ?? false)) {
    setNdr(sh, answerNdr(ndr, s.ndr, answer, { kind: 'noApi' }));
    return { sentToCourier: false };
  }
  try {
    const r = await courierCalls.sendNdrAction({ courier: s.courier, ref, action });
    setNdr(sh, answerNdr(ndr, s.ndr, answer, { kind: 'sent', accepted: r.accepted, ...(r.reference ? { reference: r.reference } : {}) }));
    return { sentToCourier: r.accepted };
  } catch (err) {
    const error = failureMessage(err);
    setNdr(sh, answerNdr(ndr, s.ndr, answer, { kind: 'refused', error }));
    return { sentToCourier: false, error };
  }
}

function setNdr(sh: Shipment, { ndr, note }: { ndr: NdrState; note: Note }): void {
  sh.s.ndr = ndr;
  sh.journal.note(note);
  sh.journal.touch();
}

/** Runs a queued command once and records its answer; one refused by the state now is answered with why. */
export async function runCommand(sh: Shipment, cmd: Command): Promise<void> {
  const s = sh.s;
  if (answered(s, cmd.id)) return;
  const why = refusal(s, cmd.kind);
  if (why !== undefined) return recordAnswer(s, cmd.id, refusedAnswer(s, cmd.kind, why));
  switch (cmd.kind) {
    case 'refresh': {
      const before = s.machine.status;
      return recordAnswer(s, cmd.id, refreshAnswer(s, before, await pollNow(sh)));
    }
    case 'resolveNdr':
      return recordAnswer(s, cmd.id, resolveNdrAnswer(s, await actOnNdr(sh, cmd.req.action, cmd.req.by)));
    case 'manual': {
      const r = setManualStatus(s.machine, { status: cmd.req.status, by: cmd.req.by, reason: cmd.req.reason, at: nowIso() });
      if (r.ok) {
        afterIngest(sh, r.result, undefined);
        sh.journal.touch();
      }
      return recordAnswer(s, cmd.id, { applied: r.ok });
    }
    case 'cancel':
      return recordAnswer(s, cmd.id, await cancel(sh, cmd.req));
    case 'retryBooking':
      if (cmd.req.courier) s.courier = cmd.req.courier;
      if (cmd.req.request) s.request = { ...s.request, ...cmd.req.request };
      s.booking = { state: 'pending' };
      await book(sh);
      return recordAnswer(s, cmd.id, bookingOutcome(s));
  }
}

/** Cancels at the courier where its API can; otherwise tells ops to. Either way the shipment ends cancelled. */
async function cancel(sh: Shipment, req: CancelRequest): Promise<CancelResult> {
  const s = sh.s;
  let message: string | undefined;
  const ref = shipmentRef(s);
  if (ref && s.capabilities?.cancel) {
    try {
      const r = await courierCalls.cancelAtCourier({ courier: s.courier, ref });
      if (!r.cancelled) return { cancelled: false, status: s.machine.status, message: r.note ?? `${s.courier} did not cancel` };
      message = r.note;
    } catch (err) {
      return { cancelled: false, status: s.machine.status, message: failureMessage(err) };
    }
  } else if (ref) {
    message = `${s.courier} cannot cancel through its API: cancel it in the courier's panel`;
    sh.journal.note({ key: 'cancel-manual', text: message });
  } else {
    s.booking = { state: 'cancelled', at: nowIso() };
  }
  const r = setManualStatus(s.machine, { status: 'cancelled', by: req.by, reason: req.reason, at: nowIso() });
  if (r.ok) afterIngest(sh, r.result, undefined);
  sh.journal.touch();
  return { cancelled: true, status: s.machine.status, ...(message ? { message } : {}) };
}
