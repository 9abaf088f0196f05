// shipmentWorkflow: one per shipped order, from booking to a final state.
//
// Shape: a JSON-plain state object (state.ts), thin message handlers that only queue work, and one main
// loop that is the only writer of state, projection, search attributes and notifications. This file is
// the handlers, the loop, its drain and continue-as-new. Beside the loop run the poller (a retry-poller
// activity, poller.ts), one lazily re-armed timer for the deadlines (alarm.ts), the notifications
// (outbox.ts), the store's webhooks (store-outbox.ts) and the projection writer (journal.ts). The loop's steps are in tracking.ts (courier news)
// and operations.ts (booking, NDR answers, deadlines, commands); what they decide, in pure modules:
// commands.ts, ndr.ts, deadlines.ts, state.ts.
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { TrackOutput } from '../../activities';
import { isTerminal, ORDER_STATUS_FOR } from '../../domain/status';
import { Alarm } from './alarm';
import { answered, priorAnswer, type Command } from './commands';
import {
  bookingUpdate,
  cancelUpdate,
  courierEventSignal,
  refreshUpdate,
  resolveNdrUpdate,
  retryBookingUpdate,
  setManualStatusUpdate,
  trackingQuery,
  type BookingOutcome,
  type CancelResult,
  type CourierEventSignal,
  type RefreshResult,
  type ResolveNdrResult,
  type ShipmentResult,
} from './contract';
import { nextDeadline } from './deadlines';
import { Journal } from './journal';
import { book, checkDeadlines, runCommand } from './operations';
import { resolveOptions } from './options';
import { Outbox } from './outbox';
import { Poller } from './poller';
import { StoreOutbox } from './store-outbox';
import { nowIso, type Shipment } from './shipment';
import { bookingOutcome, initialState, shipmentRef, trackingView, type RunInput, type ShipmentState } from './state';
import { applySignal, takePollFailure, takePollResult } from './tracking';
import { isUsableEvent, validate } from './validators';

export async function shipmentWorkflow(input: RunInput): Promise<ShipmentResult> {
  const run = new ShipmentRun(input);
  run.listen();
  return run.run();
}

class ShipmentRun {
  private readonly s: ShipmentState;
  private readonly shipment: Shipment;
  private readonly commands: Command[] = [];
  private readonly alarm = new Alarm();
  private readonly poller = new Poller();
  private nextCommandId = 0;
  private signalsBeforeCommands = false;

  constructor(private readonly input: RunInput) {
    const opts = resolveOptions(input.options);
    const s = input.carried ?? initialState(input, nowIso());
    this.s = s;
    const storeOutbox = new StoreOutbox(s, opts.storeDelivery);
    // A new shipment is written at once; a carried one was written by the run before.
    this.shipment = { s, opts, outbox: new Outbox(s, opts.notify), journal: new Journal(s, input.carried === undefined, storeOutbox), storeOutbox };
  }

  // ---------------------------------------------------------------------------------------------
  // Handlers: validate, queue, wait for the main loop's answer.

  listen(): void {
    const s = this.s;
    setHandler(courierEventSignal, (sig) => {
      // A signal handler must never throw (that would fail the workflow): malformed input is dropped.
      const events = Array.isArray(sig?.events) ? sig.events.filter(isUsableEvent) : [];
      if (events.length > 0) s.inbox.push({ ...sig, events });
    });
    setHandler(trackingQuery, () => trackingView(s));
    setHandler(bookingUpdate, async (): Promise<BookingOutcome> => {
      await condition(() => s.booking.state !== 'pending');
      return bookingOutcome(s);
    });
    setHandler(refreshUpdate, () => this.enqueue<RefreshResult>({ kind: 'refresh', id: `refresh-${this.nextCommandId++}` }), { validator: () => validate.refresh(s) });
    setHandler(resolveNdrUpdate, (req) => this.enqueue<ResolveNdrResult>({ kind: 'resolveNdr', id: req.requestId, req }), { validator: (req) => validate.resolveNdr(s, req) });
    // The answer is the view at the time of asking; only a marker is kept (a view per request would bloat the state).
    setHandler(
      setManualStatusUpdate,
      async (req) => {
        await this.enqueue({ kind: 'manual', id: req.requestId, req });
        return trackingView(s);
      },
      { validator: (req) => validate.manual(s, req) },
    );
    setHandler(cancelUpdate, (req) => this.enqueue<CancelResult>({ kind: 'cancel', id: req.requestId, req }), { validator: (req) => validate.cancel(s, req) });
    setHandler(retryBookingUpdate, (req) => this.enqueue<BookingOutcome>({ kind: 'retryBooking', id: req.requestId, req }), { validator: (req) => validate.retryBooking(s, req) });
  }

  /** Queues a command once (a retried request joins it) and waits for its answer; a known answer is replayed. */
  private async enqueue<R>(cmd: Command): Promise<R> {
    const prior = priorAnswer(this.s, cmd.id);
    if (prior) return prior.result as R;
    if (!this.commands.some((c) => c.id === cmd.id)) this.commands.push(cmd);
    await condition(() => answered(this.s, cmd.id));
    return priorAnswer(this.s, cmd.id)?.result as R;
  }

  // ---------------------------------------------------------------------------------------------
  // Main loop

  async run(): Promise<ShipmentResult> {
    const { s, shipment } = this;
    this.signalsBeforeCommands = patched('signals-before-commands');
    // Since 'store-webhooks' the run tells the store's system of every change (store-outbox.ts).
    if (patched('store-webhooks')) shipment.storeOutbox.enable(nowIso());
    shipment.outbox.resume();
    shipment.storeOutbox.resume();
    shipment.journal.syncSearchAttributes();

    while (!this.isFinal()) {
      await this.drain();
      if (this.isFinal()) break;
      if (this.shouldContinueAsNew()) return this.continueAsNew();
      this.poller.armFor(s, shipment.opts);
      this.alarm.set(nextDeadline(s, shipment.opts));
      await condition(() => this.hasWork() || this.shouldContinueAsNew());
    }

    this.poller.stop();
    this.alarm.clear();
    // Late scans still reach the timeline (the status is final); queued requests still get answers.
    // Since 'linger-after-final' the run also stays open for lingerAfterFinalMinutes: a courier's scan
    // that arrives after the final one (late, or out of order: an older "bag received" after
    // "delivered") would otherwise meet a closed workflow and be refused. One timer; runs whose history
    // predates the patch close as soon as they are idle, as they did.
    const lingerUntil = patched('linger-after-final') ? Date.now() + (shipment.opts.lingerAfterFinalMinutes ?? 0) * 60_000 : undefined;
    for (;;) {
      await this.drain();
      const idle = () => shipment.outbox.idle && shipment.storeOutbox.idle && allHandlersFinished() && this.commands.length === 0 && s.inbox.length === 0;
      if (idle()) {
        const left = lingerUntil === undefined ? 0 : lingerUntil - Date.now();
        if (left <= 0) break;
        await condition(() => this.hasWork(), left);
        continue;
      }
      await condition(() => this.hasWork() || idle());
    }
    const ref = shipmentRef(s);
    return { orderId: s.orderId, status: s.machine.status, orderStatus: ORDER_STATUS_FOR[s.machine.status], ...(ref ? { awb: ref.awb } : {}) };
  }

  private isFinal(): boolean {
    return this.s.booking.state === 'cancelled' || isTerminal(this.s.machine.status);
  }

  private hasWork(): boolean {
    return this.s.inbox.length > 0 || this.hasWorkBesidesInbox();
  }

  /** Work that does not travel in the state across continue-as-new (the inbox does). */
  private hasWorkBesidesInbox(): boolean {
    return this.s.booking.state === 'pending' || this.commands.length > 0 || this.poller.found.length > 0 || this.poller.failure !== undefined || this.alarm.rang;
  }

  /**
   * Does everything that is due, one step at a time, then writes the projection and search attributes
   * once. Steps that only change state are batched into one write; steps that call out write first,
   * so a slow courier call never holds back what is already known. Order: booking, then requests, then
   * courier news, then deadlines; since 'signals-before-commands' courier news goes before requests, so
   * a request sees every scan that reached the workflow with it (runs started before keep the old
   * order, as their histories say).
   */
  private async drain(): Promise<void> {
    const { s, shipment, poller } = this;
    while (this.hasWork()) {
      const courierNews = poller.found.length > 0 || poller.failure !== undefined || s.inbox.length > 0;
      if (s.booking.state === 'pending') {
        await shipment.journal.flush();
        await book(shipment);
      } else if (this.commands.length > 0 && !(this.signalsBeforeCommands && courierNews)) {
        await shipment.journal.flush();
        await runCommand(shipment, this.commands.shift() as Command);
      } else if (poller.found.length > 0) takePollResult(shipment, poller.takeFound() as TrackOutput);
      else if (poller.failure !== undefined) takePollFailure(shipment, poller.takeFailure());
      else if (s.inbox.length > 0) applySignal(shipment, s.inbox.shift() as CourierEventSignal);
      else if (this.alarm.rang) {
        this.alarm.rang = false;
        await shipment.journal.flush();
        await checkDeadlines(shipment);
      }
    }
    await shipment.journal.flush();
  }

  // ---------------------------------------------------------------------------------------------
  // Continue-as-new

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    const testLimit = this.shipment.opts.continueAsNewAfterEvents;
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
