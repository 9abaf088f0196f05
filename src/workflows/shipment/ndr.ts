// NDR (failed delivery) transitions: opening or re-opening on a failed attempt, escalating to ops,
// recording the answer sent (or not) to the courier. Pure: each returns the next NdrState and the
// order note that tells ops, and the workflow stores both.
import type { CourierCapabilities } from '../../couriers/types';
import type { TrackingEvent } from '../../domain/events';
import type { NdrAction } from '../../domain/ndr';
import type { IngestResult, StatusMachine } from '../../domain/state-machine';
import type { NdrState } from './contract';

/** An order note, keyed (without the order id) so a replayed write adds it once. */
export interface Note {
  key: string;
  text: string;
}

export type NdrResponder = 'customer' | 'admin' | 'default';

/** A new failed attempt: a fresh response window, attempts counted, escalated at once without an NDR API. */
export function openNdr(
  prev: NdrState | undefined,
  cause: TrackingEvent | undefined,
  at: { nowMs: number; responseHours: number; capabilities: CourierCapabilities | undefined },
): { ndr: NdrState; note: Note } {
  const attempts = Math.max((prev?.attempts ?? 0) + 1, cause?.ndr?.attempt ?? 0);
  const noApi = at.capabilities ? !at.capabilities.ndrActions : false;
  const ndr: NdrState = {
    open: true,
    reason: cause?.ndr?.reason ?? 'other',
    rawCode: cause?.ndr?.rawCode ?? cause?.rawCode ?? '',
    rawText: cause?.ndr?.rawText ?? cause?.description ?? '',
    attempts,
    openedAt: new Date(at.nowMs).toISOString(),
    deadlineAt: new Date(at.nowMs + at.responseHours * 3_600_000).toISOString(),
    escalated: noApi,
    ...(noApi ? { escalationReason: 'courier has no NDR API' } : {}),
    ...(cause ? { lastEventKey: cause.key } : {}),
  };
  // The store keeps NDR reasons in the order notes; ops read them there.
  return { ndr, note: { key: `ndr:${cause?.key ?? attempts}`, text: `Delivery failed (attempt ${attempts}): ${ndr.reason}${ndr.rawText ? ` — ${ndr.rawText}` : ''}` } };
}

/**
 * The key of a further failed attempt among newly added events while the shipment stays undelivered
 * (no status change, so no transition opens the NDR again), or undefined. Older than the attempt that
 * opened the NDR does not count.
 */
export function repeatedAttempt(ndr: NdrState | undefined, r: IngestResult, machine: StatusMachine): string | undefined {
  if (!ndr?.open || machine.status !== 'undelivered') return undefined;
  const latest = r.added.filter((e) => e.status === 'undelivered' && e.key !== ndr.lastEventKey).pop();
  if (!latest || latest.occurredAt <= (machine.events.find((e) => e.key === ndr.lastEventKey)?.occurredAt ?? '')) return undefined;
  return latest.key;
}

/** When the response window closes, for an NDR still waiting on an answer; else undefined. */
export function ndrDeadline(ndr: NdrState | undefined): number | undefined {
  return ndr?.open && !ndr.resolution && !ndr.escalated ? Date.parse(ndr.deadlineAt) : undefined;
}

export function escalateNdr(ndr: NdrState, why: string): { ndr: NdrState; note: Note } {
  return { ndr: { ...ndr, escalated: true, escalationReason: why }, note: { key: `ndr-escalated:${ndr.attempts}`, text: `NDR escalated to ops: ${why}.` } };
}

/**
 * An answer to an NDR and what became of it: `noApi` (ops must pass it on), `sent` to the courier, or
 * `refused` by it (escalated). `opened` is the NDR the answer was for; `current` the state now.
 */
export function answerNdr(
  opened: NdrState,
  current: NdrState | undefined,
  answer: { action: NdrAction; by: NdrResponder; at: string; courier: string },
  outcome: { kind: 'noApi' } | { kind: 'sent'; accepted: boolean; reference?: string } | { kind: 'refused'; error: string },
): { ndr: NdrState; note: Note } {
  const { action, by, at, courier } = answer;
  const key = `ndr-response:${opened.attempts}:${by}`;
  switch (outcome.kind) {
    case 'noApi':
      return {
        ndr: { ...opened, escalated: true, escalationReason: 'courier has no NDR API', resolution: { action, by, at, sentToCourier: false } },
        note: { key, text: `NDR response from ${by}: ${action.type} (courier has no NDR API: ops must pass it on).` },
      };
    case 'sent':
      return {
        ndr: { ...(current ?? opened), resolution: { action, by, at, sentToCourier: outcome.accepted, ...(outcome.reference ? { courierReference: outcome.reference } : {}) } },
        note: { key, text: `NDR response from ${by}: ${action.type}, sent to ${courier}${outcome.reference ? ` (ref ${outcome.reference})` : ''}.` },
      };
    case 'refused':
      return {
        ndr: { ...(current ?? opened), escalated: true, escalationReason: `courier refused ${action.type}`, resolution: { action, by, at, sentToCourier: false, error: outcome.error } },
        note: { key, text: `NDR response from ${by}: ${action.type}, refused by ${courier}: escalated to ops.` },
      };
  }
}
