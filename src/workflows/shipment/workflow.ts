// shipmentWorkflow: one per shipped order, from booking to a final state.
//
// Shape: a JSON-plain state object, thin message handlers that only queue work, and one main loop
// that is the only writer of state, projection, search attributes and notifications. Webhooks arrive
// as signals; polling is a retry-poller activity beside the loop (poller.ts); deadlines (NDR window,
// stuck detection) share one lazily re-armed timer (alarm.ts).
import { allHandlersFinished, condition, continueAsNew, log, patched, setHandler, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { NotifyInput, ProjectionWrite, TrackOutput } from '../../activities';
import type { TrackingEvent } from '../../domain/events';
import type { NdrAction } from '../../domain/ndr';
import { EVENT_AUDIENCE, EVENT_CHANNELS, type NotificationEvent } from '../../domain/notifications';
import { defaultNdrDecision, milestonesFor, pollDelayMs, stuckAfterMs } from '../../domain/shipment-policy';
import { ingest, setBase, setManualStatus, type IngestResult, type Transition } from '../../domain/state-machine';
import { isShipmentStatus, isTerminal, ORDER_STATUS_FOR, STATUS_RANK, type ShipmentStatus } from '../../domain/status';
import { courierCalls, notifications, projection, trackCalls } from './activity-proxies';
import { Alarm } from './alarm';
import {
  bookingUpdate,
  cancelUpdate,
  courierEventSignal,
  refreshUpdate,
  resolveNdrUpdate,
  retryBookingUpdate,
  SEARCH_ATTRIBUTES,
  setManualStatusUpdate,
  trackingQuery,
  type BookingOutcome,
  type CancelRequest,
  type CancelResult,
  type CourierEventSignal,
  type ManualStatusRequest,
  type NotificationIntent,
  type RefreshResult,
  type ResolveNdrRequest,
  type ResolveNdrResult,
  type RetryBookingRequest,
  type ShipmentInput,
  type ShipmentOptions,
  type ShipmentResult,
  type ShipmentState,
  type TrackingView,
} from './contract';
import { bookingFailure, failureMessage } from './failures';
import { invalid, isUsableEvent, requireRequestId, validateNdrAction } from './validators';
import { resolveOptions } from './options';
import { Poller } from './poller';
import { initialState, projectionOf, searchAttributeValues, shipmentRef, trackingView, type SearchAttributeValues } from './state';

/** Answers kept for retried requests; older ones fall off (a retry days later is not a retry). */
const MAX_RESULTS = 50;
/** Keys the poller skips; older events are already far behind the courier's current page. */
const MAX_POLL_KNOWN_KEYS = 200;
/** Permanent poll failures (auth, unknown AWB) back off to this. */
const MAX_POLL_FAILURE_BACKOFF_MS = 24 * 3_600_000;

type Command =
  | { kind: 'refresh'; id: string }
  | { kind: 'resolveNdr'; id: string; req: ResolveNdrRequest }
  | { kind: 'manual'; id: string; req: ManualStatusRequest }
  | { kind: 'cancel'; id: string; req: CancelRequest }
  | { kind: 'retryBooking'; id: string; req: RetryBookingRequest };

export async function shipmentWorkflow(input: ShipmentInput): Promise<ShipmentResult> {
  const shipment = new Shipment(input);
  shipment.listen();
  return shipment.run();
}

class Shipment {
  private s: ShipmentState;
  private readonly opts: ShipmentOptions;
  private readonly commands: Command[] = [];
  private readonly alarm = new Alarm();
  private readonly poller = new Poller();
  private inflightNotifications = 0;
  private pollFailures = 0;
  private nextCommandId = 0;
  private dirty = false;
  private signalsBeforeCommands = false;

  constructor(private readonly input: ShipmentInput) {
    this.opts = resolveOptions(input.options);
    this.s = input.carried ?? initialState(input, nowIso());
    this.dirty = input.carried === undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Handlers: validate, queue, wait for the main loop's answer.

  listen(): void {
    setHandler(courierEventSignal, (sig) => {
      // A signal handler must never throw (that would fail the workflow): malformed input is dropped.
      const events = Array.isArray(sig?.events) ? sig.events.filter(isUsableEvent) : [];
      if (events.length > 0) this.s.inbox.push({ ...sig, events });
    });
    setHandler(trackingQuery, (): TrackingView => trackingView(this.s));
    setHandler(bookingUpdate, async (): Promise<BookingOutcome> => {
      await condition(() => this.s.booking.state !== 'pending');
      return this.bookingOutcome();
    });
    setHandler(refreshUpdate, () => this.enqueue<RefreshResult>({ kind: 'refresh', id: `refresh-${this.nextCommandId++}` }), {
      validator: () => {
        if (this.s.booking.state !== 'booked') throw new Error('shipment is not booked');
      },
    });
    setHandler(resolveNdrUpdate, (req) => this.enqueue<ResolveNdrResult>({ kind: 'resolveNdr', id: req.requestId, req }), {
      validator: (req) => {
        requireRequestId(req);
        if (this.answered(req.requestId)) return;
        if (!this.s.ndr?.open) throw new Error('no open NDR');
        validateNdrAction(req.action);
      },
    });
    // The answer is the view at the time of asking; only a marker is kept (a view per request would bloat the state).
    setHandler(
      setManualStatusUpdate,
      async (req) => {
        await this.enqueue({ kind: 'manual', id: req.requestId, req });
        return trackingView(this.s);
      },
      {
        validator: (req) => {
          requireRequestId(req);
          if (this.answered(req.requestId)) return;
          if (!isShipmentStatus(req.status) || req.status === 'pending') throw invalid('not a shipment status');
          if (this.s.booking.state !== 'booked') throw new Error('shipment is not booked');
          if (isTerminal(this.s.machine.status)) throw new Error(`shipment is already ${this.s.machine.status}`);
          if (!req.by || !req.reason) throw invalid('who and why are required');
        },
      },
    );
    setHandler(cancelUpdate, (req) => this.enqueue<CancelResult>({ kind: 'cancel', id: req.requestId, req }), {
      validator: (req) => {
        requireRequestId(req);
        if (this.answered(req.requestId)) return;
        if (isTerminal(this.s.machine.status) || this.s.booking.state === 'cancelled') throw new Error(`shipment is already ${this.s.machine.status}`);
        if (STATUS_RANK[this.s.machine.status] >= STATUS_RANK.picked_up) {
          throw new Error('the parcel has been picked up: ask for a return to origin instead');
        }
      },
    });
    setHandler(retryBookingUpdate, (req) => this.enqueue<BookingOutcome>({ kind: 'retryBooking', id: req.requestId, req }), {
      validator: (req) => {
        requireRequestId(req);
        if (this.answered(req.requestId)) return;
        if (this.s.booking.state !== 'failed') throw new Error(`booking is ${this.s.booking.state}, not failed`);
      },
    });
  }

  private answered(requestId: string): boolean {
    return this.s.results.some((r) => r.requestId === requestId);
  }

  private async enqueue<R>(cmd: Command): Promise<R> {
    const prior = this.s.results.find((r) => r.requestId === cmd.id);
    if (prior) return prior.result as R;
    if (!this.commands.some((c) => c.id === cmd.id)) this.commands.push(cmd);
    await condition(() => this.answered(cmd.id));
    return this.s.results.find((r) => r.requestId === cmd.id)?.result as R;
  }

  private answer(id: string, result: unknown): void {
    this.s.results = [...this.s.results, { requestId: id, result }].slice(-MAX_RESULTS);
  }

  // ---------------------------------------------------------------------------------------------
  // Main loop

  async run(): Promise<ShipmentResult> {
    this.signalsBeforeCommands = patched('signals-before-commands');
    for (const intent of this.s.pendingNotifications) this.startNotification(intent);
    this.syncSearchAttributes();

    while (!this.isFinal()) {
      await this.drain();
      if (this.isFinal()) break;
      if (this.shouldContinueAsNew()) return this.continueAsNew();
      this.armPoller();
      this.alarm.set(this.nextDeadline());
      await condition(() => this.hasWork() || this.shouldContinueAsNew());
    }

    this.poller.stop();
    this.alarm.clear();
    // Late scans still reach the timeline (the status is final); queued requests still get answers.
    // Since 'linger-after-final' the run also stays open for lingerAfterFinalMinutes: a courier's scan
    // that arrives after the final one (late, or out of order: an older "bag received" after
    // "delivered") would otherwise meet a closed workflow and be refused. One timer; runs whose history
    // predates the patch close as soon as they are idle, as they did.
    const lingerUntil = patched('linger-after-final') ? Date.now() + (this.opts.lingerAfterFinalMinutes ?? 0) * 60_000 : undefined;
    for (;;) {
      await this.drain();
      const idle = () => this.inflightNotifications === 0 && allHandlersFinished() && this.commands.length === 0 && this.s.inbox.length === 0;
      if (idle()) {
        const left = lingerUntil === undefined ? 0 : lingerUntil - Date.now();
        if (left <= 0) break;
        await condition(() => this.hasWork(), left);
        continue;
      }
      await condition(() => this.hasWork() || idle());
    }
    return { orderId: this.s.orderId, status: this.s.machine.status, orderStatus: ORDER_STATUS_FOR[this.s.machine.status], ...(shipmentRef(this.s) ? { awb: shipmentRef(this.s)?.awb } : {}) };
  }

  private isFinal(): boolean {
    return this.s.booking.state === 'cancelled' || isTerminal(this.s.machine.status);
  }

  private hasCourierNews(): boolean {
    return this.poller.found.length > 0 || this.poller.failure !== undefined || this.s.inbox.length > 0;
  }

  private hasWork(): boolean {
    return this.s.inbox.length > 0 || this.hasWorkBesidesInbox();
  }

  /** Work that does not travel in the state across continue-as-new (the inbox does). */
  private hasWorkBesidesInbox(): boolean {
    return (
      this.s.booking.state === 'pending' ||
      this.commands.length > 0 ||
      this.poller.found.length > 0 ||
      this.poller.failure !== undefined ||
      this.alarm.rang
    );
  }

  /** Does everything that is due, then writes the projection and search attributes once. */
  private async drain(): Promise<void> {
    while (this.hasWork()) {
      // Steps that only change state are batched into one projection write; steps that call out
      // persist first, so a slow courier call never holds back what is already known.
      // Since 'signals-before-commands': courier news first, so a request sees every scan that reached
      // the workflow with it (runs started before keep the old order, as their histories say).
      const newsFirst = this.signalsBeforeCommands;
      if (this.s.booking.state === 'pending') {
        await this.flush();
        await this.book();
      } else if (this.commands.length > 0 && !(newsFirst && this.hasCourierNews())) {
        await this.flush();
        await this.runCommand(this.commands.shift() as Command);
      } else if (this.poller.found.length > 0) this.takePollResult(this.poller.found.shift() as TrackOutput);
      else if (this.poller.failure !== undefined) this.takePollFailure();
      else if (this.s.inbox.length > 0) this.applySignal(this.s.inbox.shift() as CourierEventSignal);
      else if (this.alarm.rang) {
        this.alarm.rang = false;
        await this.flush();
        await this.checkDeadlines();
      }
    }
    await this.flush();
  }

  // ---------------------------------------------------------------------------------------------
  // Booking

  private async book(): Promise<void> {
    this.s.bookingAttempts += 1;
    try {
      const { booking, capabilities } = await courierCalls.bookShipment({ courier: this.s.courier, request: this.s.request });
      this.s.booking = {
        state: 'booked',
        awb: booking.awb,
        courier: this.s.courier,
        trackingUrl: booking.trackingUrl,
        ...(booking.courierShipmentId ? { courierShipmentId: booking.courierShipmentId } : {}),
        ...(booking.courierOrderId ? { courierOrderId: booking.courierOrderId } : {}),
        ...(booking.carrierName ? { carrierName: booking.carrierName } : {}),
        bookedAt: nowIso(),
      };
      this.s.capabilities = capabilities;
      if (booking.expectedDeliveryAt) this.s.expectedDeliveryAt = booking.expectedDeliveryAt;
      this.afterIngest(setBase(this.s.machine, 'booked', nowIso()), undefined);
    } catch (err) {
      const { code, message } = bookingFailure(err);
      this.s.booking = { state: 'failed', code, message, retryable: false, failedAt: nowIso() };
      this.note(`booking-failed:${this.s.bookingAttempts}`, `Booking with ${this.s.courier} failed (${code}). Waiting for ops to fix the order, pick another courier or cancel.`);
      log.warn('booking failed', { orderId: this.s.orderId, courier: this.s.courier, code });
    }
    this.touch();
  }

  private bookingOutcome(): BookingOutcome {
    const b = this.s.booking;
    if (b.state === 'booked') return { ok: true, awb: b.awb, courier: b.courier, trackingUrl: b.trackingUrl, ...(b.carrierName ? { carrierName: b.carrierName } : {}) };
    if (b.state === 'failed') return { ok: false, code: b.code, message: b.message };
    if (b.state === 'cancelled') return { ok: false, code: 'cancelled', message: 'the shipment was cancelled' };
    return { ok: false, code: 'pending', message: 'booking in progress' };
  }

  // ---------------------------------------------------------------------------------------------
  // Courier events

  private applySignal(sig: CourierEventSignal): void {
    const receivedAt = sig.receivedAt || nowIso();
    if (sig.source === 'webhook' && (!this.s.lastWebhookAt || this.s.lastWebhookAt < receivedAt)) this.s.lastWebhookAt = receivedAt;
    if (!this.s.lastSyncAt || this.s.lastSyncAt < receivedAt) this.s.lastSyncAt = receivedAt;
    this.afterIngest(ingest(this.s.machine, sig.events, sig.source, receivedAt), sig.events);
    this.touch();
  }

  /** Everything that follows from new events or a new status: NDR, stuck flag, notifications, projection. */
  private afterIngest(r: IngestResult, incoming: TrackingEvent[] | undefined): void {
    this.s.machine = r.machine;
    if (r.added.length > 0) {
      this.s.projection.pendingEventKeys.push(...r.added.map((e) => e.key));
      const newest = r.machine.events[r.machine.events.length - 1];
      if (newest) {
        this.s.lastEventAt = newest.occurredAt;
        this.s.courierStatus = newest.rawLabel;
        if (newest.location) this.s.location = newest.location;
      }
      if (this.s.stuck.flagged) this.s.stuck = { flagged: false };
    }
    for (const t of r.transitions) this.onTransition(t, incoming);
    if (r.transitions.length === 0 && incoming) this.onRepeatedNdr(r, incoming);
  }

  private onTransition(t: Transition, incoming: TrackingEvent[] | undefined): void {
    if (t.to === 'undelivered' && t.source !== 'manual') {
      const cause = incoming?.find((e) => e.key === t.eventKey);
      this.openNdr(cause);
    } else if (this.s.ndr?.open && t.to !== 'undelivered') {
      this.s.ndr = { ...this.s.ndr, open: false };
    }
    for (const m of milestonesFor(t.from, t.to)) this.announce(m);
  }

  /** A further failed attempt while the shipment stays undelivered: new deadline, new default action. */
  private onRepeatedNdr(r: IngestResult, incoming: TrackingEvent[]): void {
    const ndr = this.s.ndr;
    if (!ndr?.open || this.s.machine.status !== 'undelivered') return;
    const latest = r.added.filter((e) => e.status === 'undelivered' && e.key !== ndr.lastEventKey).pop();
    if (!latest || latest.occurredAt <= (this.s.machine.events.find((e) => e.key === ndr.lastEventKey)?.occurredAt ?? '')) return;
    this.openNdr(incoming.find((e) => e.key === latest.key));
  }

  private openNdr(cause: TrackingEvent | undefined): void {
    const prev = this.s.ndr;
    const attempts = Math.max((prev?.attempts ?? 0) + 1, cause?.ndr?.attempt ?? 0);
    const opened = nowIso();
    const noApi = this.s.capabilities ? !this.s.capabilities.ndrActions : false;
    this.s.ndr = {
      open: true,
      reason: cause?.ndr?.reason ?? 'other',
      rawCode: cause?.ndr?.rawCode ?? cause?.rawCode ?? '',
      rawText: cause?.ndr?.rawText ?? cause?.description ?? '',
      attempts,
      openedAt: opened,
      deadlineAt: new Date(Date.now() + this.opts.ndrResponseHours * 3_600_000).toISOString(),
      escalated: noApi,
      ...(noApi ? { escalationReason: 'courier has no NDR API' } : {}),
      ...(cause ? { lastEventKey: cause.key } : {}),
    };
    // The store keeps NDR reasons in the order notes; ops read them there.
    this.note(`ndr:${cause?.key ?? attempts}`, `Delivery failed (attempt ${attempts}): ${this.s.ndr.reason}${this.s.ndr.rawText ? ` — ${this.s.ndr.rawText}` : ''}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Polling

  private armPoller(): void {
    const ref = shipmentRef(this.s);
    if (!ref) return this.poller.stop();
    const status = this.s.machine.status;
    const flowing = this.webhooksFlowing();
    const firstDelayMs = Math.min(
      MAX_POLL_FAILURE_BACKOFF_MS,
      pollDelayMs({ status, webhooksFlowing: flowing, unchangedPolls: 0, jitterSeed: ref.awb, overrides: this.opts.pollMinutes }) * 2 ** this.pollFailures,
    );
    this.poller.arm(`${status}:${ref.awb}:${this.pollFailures}`, () => ({
      courier: this.s.courier,
      ref,
      status,
      ...(this.s.lastWebhookAt ? { lastWebhookAt: this.s.lastWebhookAt } : {}),
      webhookFreshHours: this.opts.webhookFreshHours,
      knownKeys: this.s.machine.events.slice(-MAX_POLL_KNOWN_KEYS).map((e) => e.key),
      firstDelayMs,
      pollMinutes: this.opts.pollMinutes,
    }));
  }

  private webhooksFlowing(): boolean {
    return this.s.lastWebhookAt !== undefined && Date.now() - Date.parse(this.s.lastWebhookAt) < this.opts.webhookFreshHours * 3_600_000;
  }

  private takePollResult(out: TrackOutput): void {
    this.pollFailures = 0;
    this.s.pollError = undefined;
    this.takeTrackingFacts(out);
    this.s.inbox.push({ events: out.events, source: 'poll', receivedAt: out.polledAt });
  }

  private takePollFailure(): void {
    this.s.pollError = this.poller.failure;
    this.poller.failure = undefined;
    this.pollFailures += 1;
    this.touch();
  }

  private takeTrackingFacts(out: TrackOutput): void {
    if (out.expectedDeliveryAt) this.s.expectedDeliveryAt = out.expectedDeliveryAt;
    if (!this.s.lastSyncAt || this.s.lastSyncAt < out.polledAt) this.s.lastSyncAt = out.polledAt;
    this.touch();
  }

  /** A poll outside the poller (refresh, stuck check): applied at once. */
  private async pollNow(): Promise<{ ok: true; changed: boolean } | { ok: false; error: string }> {
    const ref = shipmentRef(this.s);
    if (!ref) return { ok: false, error: 'not booked' };
    try {
      const out = await trackCalls.trackNow({ courier: this.s.courier, ref });
      const before = this.s.machine.status;
      this.takeTrackingFacts(out);
      this.applySignal({ events: out.events, source: 'poll', receivedAt: out.polledAt });
      return { ok: true, changed: this.s.machine.status !== before };
    } catch (err) {
      return { ok: false, error: failureMessage(err) };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Deadlines: NDR response window, stuck detection

  private nextDeadline(): number | undefined {
    const times: number[] = [];
    const ndr = this.s.ndr;
    if (ndr?.open && !ndr.resolution && !ndr.escalated) times.push(Date.parse(ndr.deadlineAt));
    const stuck = this.stuckAt();
    if (stuck !== undefined) times.push(stuck);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  private stuckAt(): number | undefined {
    if (this.s.stuck.flagged || this.s.booking.state !== 'booked') return undefined;
    const after = stuckAfterMs(this.s.machine.status, this.opts.stuckAfterHours);
    if (after === undefined) return undefined;
    const lastTransition = this.s.machine.transitions[this.s.machine.transitions.length - 1];
    const since = Math.max(Date.parse(this.s.booking.bookedAt), this.s.lastEventAt ? Date.parse(this.s.lastEventAt) : 0, lastTransition ? Date.parse(lastTransition.recordedAt) : 0);
    return since + after;
  }

  private async checkDeadlines(): Promise<void> {
    const now = Date.now();
    const ndr = this.s.ndr;
    if (ndr?.open && !ndr.resolution && !ndr.escalated && Date.parse(ndr.deadlineAt) <= now) {
      const decision = defaultNdrDecision(ndr.attempts, this.opts.maxNdrReattempts, this.s.capabilities?.ndrActions ?? false);
      if (decision.action === 'reattempt') await this.actOnNdr({ type: 'reattempt', comment: 'no response in time: default reattempt' }, 'default');
      else this.escalateNdr(decision.why);
    }
    const stuck = this.stuckAt();
    if (stuck !== undefined && stuck <= now) {
      this.s.stuck = { flagged: true, at: nowIso(), status: this.s.machine.status };
      this.note(`stuck:${this.s.machine.transitions.length}:${this.s.lastEventAt ?? ''}`, `No courier scan since ${this.s.lastEventAt ?? 'booking'} while ${this.s.machine.status}: flagged stuck, forcing a poll.`);
      this.announce('stuck_alert');
      this.touch();
      await this.pollNow();
    }
  }

  private escalateNdr(why: string): void {
    if (!this.s.ndr) return;
    this.s.ndr = { ...this.s.ndr, escalated: true, escalationReason: why };
    this.note(`ndr-escalated:${this.s.ndr.attempts}`, `NDR escalated to ops: ${why}.`);
    this.touch();
  }

  private async actOnNdr(action: NdrAction, by: 'customer' | 'admin' | 'default'): Promise<{ sentToCourier: boolean; error?: string }> {
    const ref = shipmentRef(this.s);
    const ndr = this.s.ndr;
    if (!ref || !ndr) return { sentToCourier: false, error: 'no open NDR' };
    const at = nowIso();
    if (!(this.s.capabilities?.ndrActions ?? false)) {
      this.s.ndr = { ...ndr, escalated: true, escalationReason: 'courier has no NDR API', resolution: { action, by, at, sentToCourier: false } };
      this.note(`ndr-response:${ndr.attempts}:${by}`, `NDR response from ${by}: ${action.type} (courier has no NDR API: ops must pass it on).`);
      this.touch();
      return { sentToCourier: false };
    }
    try {
      const r = await courierCalls.sendNdrAction({ courier: this.s.courier, ref, action });
      this.s.ndr = { ...(this.s.ndr ?? ndr), resolution: { action, by, at, sentToCourier: r.accepted, ...(r.reference ? { courierReference: r.reference } : {}) } };
      this.note(`ndr-response:${ndr.attempts}:${by}`, `NDR response from ${by}: ${action.type}, sent to ${this.s.courier}${r.reference ? ` (ref ${r.reference})` : ''}.`);
      this.touch();
      return { sentToCourier: r.accepted };
    } catch (err) {
      const error = failureMessage(err);
      this.s.ndr = { ...(this.s.ndr ?? ndr), escalated: true, escalationReason: `courier refused ${action.type}`, resolution: { action, by, at, sentToCourier: false, error } };
      this.note(`ndr-response:${ndr.attempts}:${by}`, `NDR response from ${by}: ${action.type}, refused by ${this.s.courier}: escalated to ops.`);
      this.touch();
      return { sentToCourier: false, error };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Commands (from updates)

  private async runCommand(cmd: Command): Promise<void> {
    if (this.answered(cmd.id)) return;
    switch (cmd.kind) {
      case 'refresh': {
        const before = this.s.machine.status;
        const r = await this.pollNow();
        const status = this.s.machine.status;
        const result: RefreshResult = r.ok
          ? { success: true, statusUpdated: status !== before, status, orderStatus: ORDER_STATUS_FOR[status] }
          : { success: false, statusUpdated: false, status, orderStatus: ORDER_STATUS_FOR[status], error: r.error };
        return this.answer(cmd.id, result);
      }
      case 'resolveNdr': {
        if (!this.s.ndr?.open) return this.answer(cmd.id, { accepted: false, sentToCourier: false, status: this.s.machine.status, message: 'no open NDR' } satisfies ResolveNdrResult);
        const r = await this.actOnNdr(cmd.req.action, cmd.req.by);
        const result: ResolveNdrResult = {
          accepted: r.error === undefined,
          sentToCourier: r.sentToCourier,
          status: this.s.machine.status,
          ...(r.error ? { message: r.error } : r.sentToCourier ? {} : { message: 'recorded for ops: this courier has no NDR API' }),
        };
        return this.answer(cmd.id, result);
      }
      case 'manual': {
        const r = setManualStatus(this.s.machine, { status: cmd.req.status, by: cmd.req.by, reason: cmd.req.reason, at: nowIso() });
        if (r.ok) {
          this.afterIngest(r.result, undefined);
          this.touch();
        }
        return this.answer(cmd.id, { applied: r.ok });
      }
      case 'cancel':
        return this.answer(cmd.id, await this.cancel(cmd.req));
      case 'retryBooking': {
        if (this.s.booking.state !== 'failed') return this.answer(cmd.id, this.bookingOutcome());
        if (cmd.req.courier) this.s.courier = cmd.req.courier;
        if (cmd.req.request) this.s.request = { ...this.s.request, ...cmd.req.request };
        this.s.booking = { state: 'pending' };
        await this.book();
        return this.answer(cmd.id, this.bookingOutcome());
      }
    }
  }

  private async cancel(req: CancelRequest): Promise<CancelResult> {
    if (this.isFinal()) return { cancelled: false, status: this.s.machine.status, message: `shipment is already ${this.s.machine.status}` };
    if (STATUS_RANK[this.s.machine.status] >= STATUS_RANK.picked_up) {
      return { cancelled: false, status: this.s.machine.status, message: 'the parcel has been picked up: ask for a return to origin instead' };
    }
    let message: string | undefined;
    const ref = shipmentRef(this.s);
    if (ref) {
      if (this.s.capabilities?.cancel) {
        try {
          const r = await courierCalls.cancelAtCourier({ courier: this.s.courier, ref });
          if (!r.cancelled) return { cancelled: false, status: this.s.machine.status, message: r.note ?? `${this.s.courier} did not cancel` };
          message = r.note;
        } catch (err) {
          return { cancelled: false, status: this.s.machine.status, message: failureMessage(err) };
        }
      } else {
        message = `${this.s.courier} cannot cancel through its API: cancel it in the courier's panel`;
        this.note(`cancel-manual`, message);
      }
    } else {
      this.s.booking = { state: 'cancelled', at: nowIso() };
    }
    const r = setManualStatus(this.s.machine, { status: 'cancelled', by: req.by, reason: req.reason, at: nowIso() });
    if (r.ok) this.afterIngest(r.result, undefined);
    this.touch();
    return { cancelled: true, status: this.s.machine.status, ...(message ? { message } : {}) };
  }

  // ---------------------------------------------------------------------------------------------
  // Notifications: once per order × event × channel (ledger in the activity + `notified` here); at most
  // once across a crash mid-send, reported as 'uncertain' (docs/notifications.md)

  private announce(m: NotificationEvent): void {
    const on = this.opts.notify;
    const channels = EVENT_CHANNELS[m].filter((c) => (c === 'email' ? on.email : c === 'whatsapp' ? on.whatsapp : on.adminEmail));
    for (const channel of channels) {
      const key = `${m}:${channel}`;
      if (this.s.notified.includes(key) || this.s.pendingNotifications.some((p) => `${p.event}:${p.channel}` === key)) continue;
      const intent: NotificationIntent = { event: m, channel, facts: this.facts() };
      this.s.pendingNotifications.push(intent);
      this.startNotification(intent);
    }
  }

  private facts(): Record<string, string | number | boolean> {
    const ref = shipmentRef(this.s);
    const b = this.s.booking.state === 'booked' ? this.s.booking : undefined;
    const ndr = this.s.ndr;
    const f: Record<string, string | number | boolean | undefined> = {
      courier: this.s.courier,
      awb: ref?.awb,
      trackingUrl: b?.trackingUrl,
      trackingPageUrl: this.s.trackingPageUrl,
      status: this.s.machine.status,
      expectedDeliveryAt: this.s.expectedDeliveryAt,
      lastEventAt: this.s.lastEventAt,
      reason: ndr?.open ? ndr.reason : undefined,
      reasonText: ndr?.open ? ndr.rawText || ndr.reason : undefined,
      deadlineAt: ndr?.open ? ndr.deadlineAt : undefined,
      attempts: ndr?.open ? ndr.attempts : undefined,
      escalated: ndr?.open ? ndr.escalated : undefined,
    };
    return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Record<string, string | number | boolean>;
  }

  private startNotification(intent: NotificationIntent): void {
    const key = `${intent.event}:${intent.channel}`;
    const c = this.s.request.consignee;
    const recipient: NotifyInput['recipient'] = { ...(c.email ? { email: c.email } : {}), ...(c.phone ? { phone: c.phone } : {}), name: c.name };
    this.inflightNotifications += 1;
    notifications
      .notify({ ...intent, orderId: this.s.orderId, ...(EVENT_AUDIENCE[intent.event] === 'customer' ? { recipient } : {}) })
      .then((out) => {
        // 'uncertain' (an interrupted attempt may have sent it) is settled like 'sent': never asked
        // again, but listed apart. Only a new result value takes this branch: no command changes.
        if (!this.s.notified.includes(key)) this.s.notified.push(key);
        if (out.outcome === 'uncertain' && !this.s.notifiedUncertain?.includes(key)) {
          this.s.notifiedUncertain = [...(this.s.notifiedUncertain ?? []), key];
          log.warn('notification may or may not have been delivered', { orderId: this.s.orderId, event: intent.event, channel: intent.channel, reason: out.reason });
        }
      })
      .catch((err) => {
        // Gave up after a day of retries; the ledger holds the failure for ops. The shipment goes on.
        log.warn('notification abandoned', { orderId: this.s.orderId, event: intent.event, channel: intent.channel, error: failureMessage(err) });
      })
      .finally(() => {
        this.s.pendingNotifications = this.s.pendingNotifications.filter((p) => `${p.event}:${p.channel}` !== key);
        this.inflightNotifications -= 1;
      });
  }

  // ---------------------------------------------------------------------------------------------
  // Projection and search attributes

  private note(key: string, text: string): void {
    this.s.projection.pendingNotes.push({ key: `${this.s.orderId}:${key}`, text, by: 'waybill', at: nowIso() });
    this.dirty = true;
  }

  private touch(): void {
    this.s.updatedAt = nowIso();
    this.dirty = true;
  }

  private async flush(): Promise<void> {
    this.syncSearchAttributes();
    if (!this.dirty) return;
    const p = this.s.projection;
    const seq = p.seq + 1;
    const at = nowIso();
    const pendingKeys = new Set(p.pendingEventKeys);
    const transitions = this.s.machine.transitions;
    const orderStatus = transitions
      .map((t, i) => ({ t, i }))
      .slice(p.transitionsWritten)
      .filter(({ t }) => ORDER_STATUS_FOR[t.from] !== ORDER_STATUS_FOR[t.to])
      .map(({ t, i }) => ({
        key: `${this.s.orderId}:t${i}`,
        status: ORDER_STATUS_FOR[t.to],
        at: t.recordedAt,
        source: t.source,
        ...(t.by ? { by: t.by } : {}),
        ...(t.reason ? { reason: t.reason } : {}),
      }));
    const ref = shipmentRef(this.s);
    const write: ProjectionWrite = {
      shipment: projectionOf(this.s, seq, at),
      ...(ref ? { awb: { courier: this.s.courier, awb: ref.awb } } : {}),
      events: this.s.machine.events.filter((e) => pendingKeys.has(e.key)),
      orderStatus,
      notes: p.pendingNotes,
    };
    await projection.recordProjection(write);
    this.s.projection = { seq, transitionsWritten: transitions.length, pendingEventKeys: [], pendingNotes: [] };
    this.dirty = false;
  }

  private syncSearchAttributes(): void {
    const next = searchAttributeValues(this.s);
    const json = JSON.stringify(next);
    if (json === this.s.searchAttributes) return;
    const prev: Partial<SearchAttributeValues> = this.s.searchAttributes ? (JSON.parse(this.s.searchAttributes) as SearchAttributeValues) : {};
    const sa = SEARCH_ATTRIBUTES;
    const pairs: SearchAttributeUpdatePair[] = [];
    if (prev.OrderId !== next.OrderId) pairs.push({ key: sa.orderId, value: next.OrderId });
    if (prev.Courier !== next.Courier) pairs.push({ key: sa.courier, value: next.Courier });
    if (prev.ShipmentStatus !== next.ShipmentStatus) pairs.push({ key: sa.shipmentStatus, value: next.ShipmentStatus });
    if (prev.NdrOpen !== next.NdrOpen) pairs.push({ key: sa.ndrOpen, value: next.NdrOpen });
    if (prev.Awb !== next.Awb && next.Awb) pairs.push({ key: sa.awb, value: next.Awb });
    if (prev.ExpectedDeliveryAt !== next.ExpectedDeliveryAt && next.ExpectedDeliveryAt) pairs.push({ key: sa.expectedDeliveryAt, value: new Date(next.ExpectedDeliveryAt) });
    if (pairs.length > 0) upsertSearchAttributes(pairs);
    this.s.searchAttributes = json;
  }

  // ---------------------------------------------------------------------------------------------
  // Continue-as-new

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    const testLimit = this.opts.continueAsNewAfterEvents;
    return info.continueAsNewSuggested || (testLimit !== undefined && info.historyLength > testLimit);
  }

  private async continueAsNew(): Promise<never> {
    this.poller.stop();
    this.alarm.clear();
    // Since 'can-after-timer': the continue-as-new is issued only from a timer-fired activation, never
    // right after a local activity (the projection write) resolves. If signals reach the server while the
    // task that continues as new is running, the server rejects the task and the worker replays; on
    // replay a local activity's result is delivered in an activation of its own, before the signals, so
    // the run continued as new with a state that had not seen them, and the signals then reached a
    // finished run and were lost. A timer firing is a history event: on replay it comes in the same
    // activation as the signals, whose handlers fill the inbox before the loop resumes, and the inbox
    // is carried.
    const settleFirst = patched('can-after-timer');
    // Updates in flight are answered by this run: keep draining until none is left.
    for (;;) {
      await this.drain();
      if (allHandlersFinished() && this.commands.length === 0) {
        if (!settleFirst) break;
        await sleep(1);
        // Signals that came with the timer are carried in the inbox (draining them would write the
        // projection again and need another timer: under a steady stream of webhooks the run would
        // never get to continue as new).
        if (!this.hasWorkBesidesInbox() && allHandlersFinished() && this.commands.length === 0) break;
        continue;
      }
      await condition(() => this.hasWork() || (allHandlersFinished() && this.commands.length === 0));
    }
    // Unconfirmed notifications and unapplied signals travel in the state; the poller and timers are
    // re-armed from it by the new run.
    return continueAsNew<typeof shipmentWorkflow>({ ...this.input, request: this.s.request, courier: this.s.courier, carried: this.s });
  }
}

// ---------------------------------------------------------------------------------------------------

function nowIso(): string {
  return new Date(Date.now()).toISOString();
}
