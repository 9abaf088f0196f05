// The one place where courier events become a shipment status. Pure and deterministic: the workflow
// calls it, the property tests hammer it.
//
// Why a fold and not "apply each event as it arrives": webhooks and polls deliver the same scans late,
// twice, in batches and out of order. Keeping every distinct event (by key) and deriving the status by
// folding them in courier time makes the result a function of the *set* of events seen, so arrival
// order cannot matter. Two rules sit on top of the fold, because they are about the shipment's history
// rather than about the set: a terminal status is sticky, and an admin's manual status is only replaced
// by courier progress that is strictly ahead of it (or terminal).
import type { EventSource } from './events';
import { isTerminal, phaseOf, STATUS_RANK, type ShipmentStatus } from './status';

/** What the fold needs from an event; the workflow's timeline entries carry more. */
export interface FoldableEvent {
  key: string;
  status: ShipmentStatus | null;
  /** ISO-8601; compared as instants. */
  occurredAt: string;
}

/** A timeline entry as the state machine keeps it. `applied` is recomputed on every fold. */
export interface RecordedEvent extends FoldableEvent {
  rawCode: string;
  rawLabel: string;
  description: string;
  location?: string;
  receivedAt: string;
  source: EventSource;
  applied: boolean;
}

export interface ManualOverride {
  status: ShipmentStatus;
  by: string;
  reason: string;
  at: string;
  /** The courier-derived status when the admin set this one: only later courier progress may replace it. */
  derivedAtSet: ShipmentStatus;
}

export interface Transition {
  from: ShipmentStatus;
  to: ShipmentStatus;
  source: EventSource;
  /** Courier time of the event that caused it, or the workflow time for manual/booking changes. */
  at: string;
  recordedAt: string;
  eventKey?: string;
  by?: string;
  reason?: string;
}

export interface StatusMachine {
  /** Status before any courier scan: 'pending' until booked, then 'booked'. */
  base: ShipmentStatus;
  /** Distinct events, sorted by courier time then key. */
  events: RecordedEvent[];
  /** Status the courier events alone give. */
  derived: ShipmentStatus;
  /** Status Waybill reports: derived, unless a manual status holds or a terminal status stuck first. */
  status: ShipmentStatus;
  manual?: ManualOverride;
  transitions: Transition[];
}

const LAST_MILE: readonly ShipmentStatus[] = ['in_transit', 'out_for_delivery', 'undelivered'];

/**
 * May a newer event with status `to` move a shipment that is at `from`? Terminal absorbs; a returning
 * parcel never goes forward again; forward progress never lowers the rank, except that the last mile
 * (in transit ↔ out for delivery ↔ undelivered) loops on reattempts.
 */
export function canAdvance(from: ShipmentStatus, to: ShipmentStatus | null): boolean {
  if (to === null || to === from) return false;
  if (isTerminal(from)) return false;
  if (isTerminal(to)) return true;
  if (phaseOf(from) === 'rto' && phaseOf(to) === 'forward') return false;
  if (LAST_MILE.includes(from) && LAST_MILE.includes(to)) return true;
  return STATUS_RANK[to] >= STATUS_RANK[from];
}

export function compareEvents(a: FoldableEvent, b: FoldableEvent): number {
  const ta = Date.parse(a.occurredAt);
  const tb = Date.parse(b.occurredAt);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export interface FoldResult {
  status: ShipmentStatus;
  appliedKeys: string[];
  /** The event that produced the final status, if any did. */
  lastApplied?: FoldableEvent;
  /** Each status change of the fold, in courier time. */
  path: Array<{ event: FoldableEvent; from: ShipmentStatus; to: ShipmentStatus }>;
}

/** Folds events (any order; they are sorted here) over a base status. */
export function foldStatus(base: ShipmentStatus, events: readonly FoldableEvent[]): FoldResult {
  let status = base;
  const appliedKeys: string[] = [];
  let lastApplied: FoldableEvent | undefined;
  const path: FoldResult['path'] = [];
  for (const e of [...events].sort(compareEvents)) {
    if (canAdvance(status, e.status)) {
      path.push({ event: e, from: status, to: e.status as ShipmentStatus });
      status = e.status as ShipmentStatus;
      appliedKeys.push(e.key);
      lastApplied = e;
    }
  }
  return { status, appliedKeys, path, ...(lastApplied ? { lastApplied } : {}) };
}

export function createStatusMachine(base: ShipmentStatus = 'pending'): StatusMachine {
  return { base, events: [], derived: base, status: base, transitions: [] };
}

/** The effective status given the previous one, the new derived status and a manual override. */
function effectiveStatus(prev: ShipmentStatus, derived: ShipmentStatus, manual: ManualOverride | undefined): { status: ShipmentStatus; manual?: ManualOverride } {
  if (isTerminal(prev)) return { status: prev, ...(manual ? { manual } : {}) };
  if (!manual) return { status: derived };
  const courierMovedOn = derived !== manual.derivedAtSet;
  if (courierMovedOn && (isTerminal(derived) || STATUS_RANK[derived] > STATUS_RANK[manual.status])) return { status: derived };
  return { status: manual.status, manual };
}

export interface IncomingEvent extends FoldableEvent {
  rawCode: string;
  rawLabel: string;
  description: string;
  location?: string;
}

export interface IngestResult {
  machine: StatusMachine;
  /** Events not seen before (by key), as recorded. */
  added: RecordedEvent[];
  /** Status changes this call caused, oldest first (empty when the reported status did not move). */
  transitions: Transition[];
}

/**
 * Adds events (duplicates by key are ignored, including within the batch) and recomputes the status.
 * Returns the same machine object when nothing was new.
 */
export function ingest(m: StatusMachine, incoming: readonly IncomingEvent[], source: EventSource, receivedAt: string): IngestResult {
  const known = new Set(m.events.map((e) => e.key));
  const added: RecordedEvent[] = [];
  for (const e of incoming) {
    if (known.has(e.key)) continue;
    known.add(e.key);
    added.push({
      key: e.key,
      status: e.status,
      occurredAt: e.occurredAt,
      rawCode: e.rawCode,
      rawLabel: e.rawLabel,
      description: e.description,
      ...(e.location !== undefined ? { location: e.location } : {}),
      receivedAt,
      source,
      applied: false,
    });
  }
  if (added.length === 0) return { machine: m, added, transitions: [] };
  return recompute({ ...m, events: [...m.events, ...added].sort(compareEvents) }, added, source, receivedAt);
}

function recompute(m: StatusMachine, added: RecordedEvent[], source: EventSource, recordedAt: string): IngestResult {
  const fold = foldStatus(m.base, m.events);
  const applied = new Set(fold.appliedKeys);
  const events = m.events.map((e) => (e.applied === applied.has(e.key) ? e : { ...e, applied: applied.has(e.key) }));
  const eff = effectiveStatus(m.status, fold.status, m.manual);
  const next: StatusMachine = { base: m.base, events, derived: fold.status, status: eff.status, transitions: m.transitions, ...(eff.manual ? { manual: eff.manual } : {}) };
  const addedOut = added.map((a) => events.find((e) => e.key === a.key) as RecordedEvent);
  const transitions = stepsTo(m, fold, added, eff.status, source, recordedAt);
  if (transitions.length === 0) return { machine: next, added: addedOut, transitions };
  return { machine: { ...next, transitions: [...m.transitions, ...transitions] }, added: addedOut, transitions };
}

/**
 * The transitions to record for one message. A batch may carry several real steps (a poll that finds
 * "out for delivery" then "undelivered"): those of its events that fall after the last recorded step
 * in courier time are recorded one by one, so the order history shows the second attempt. Anything
 * else (a late scan that rewrote the past, a manual hold, a sticky terminal) is recorded as one net
 * change from the reported status to the new one.
 */
function stepsTo(m: StatusMachine, fold: FoldResult, added: RecordedEvent[], to: ShipmentStatus, source: EventSource, recordedAt: string): Transition[] {
  const addedKeys = new Set(added.map((e) => e.key));
  const lastCause = [...m.transitions].reverse().find((t) => t.eventKey !== undefined);
  const after = lastCause ? Date.parse(lastCause.at) : -Infinity;
  const out: Transition[] = [];
  let from = m.status;
  if (to === fold.status) {
    for (const step of fold.path) {
      if (!addedKeys.has(step.event.key) || Date.parse(step.event.occurredAt) <= after || step.to === from) continue;
      out.push({ from, to: step.to, source, at: step.event.occurredAt, recordedAt, eventKey: step.event.key });
      from = step.to;
    }
  }
  if (from !== to) {
    const cause = fold.lastApplied;
    out.push({ from, to, source, at: cause?.occurredAt ?? recordedAt, recordedAt, ...(cause ? { eventKey: cause.key } : {}) });
  }
  return out;
}

/** Booking (or a booking retry) sets the base status the courier events fold over. */
export function setBase(m: StatusMachine, base: ShipmentStatus, at: string): IngestResult {
  return recompute({ ...m, base }, [], 'booking', at);
}

export type ManualResult = { ok: true; result: IngestResult } | { ok: false; reason: string };

/** An admin's status. Refused once the shipment is final; otherwise it holds until the courier overtakes it. */
export function setManualStatus(m: StatusMachine, req: { status: ShipmentStatus; by: string; reason: string; at: string }): ManualResult {
  if (isTerminal(m.status)) return { ok: false, reason: `shipment is already ${m.status}` };
  if (req.status === m.status) return { ok: true, result: { machine: m, added: [], transitions: [] } };
  const manual: ManualOverride = { status: req.status, by: req.by, reason: req.reason, at: req.at, derivedAtSet: m.derived };
  const transition: Transition = { from: m.status, to: req.status, source: 'manual', at: req.at, recordedAt: req.at, by: req.by, reason: req.reason };
  return { ok: true, result: { machine: { ...m, manual, status: req.status, transitions: [...m.transitions, transition] }, added: [], transitions: [transition] } };
}
