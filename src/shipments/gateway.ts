// The API's one door into Temporal for shipments. Handlers, the webhook relay and the typed client call
// this; nothing else imports the Temporal client. Every call is bounded by a deadline, and every Temporal
// failure leaves as a ShipmentGatewayError of a closed set of kinds, so callers never inspect gRPC codes.
import {
  isGrpcServiceError,
  ServiceError,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  bookingUpdate,
  cancelUpdate,
  courierEventSignal,
  refreshUpdate,
  resolveNdrUpdate,
  retryBookingUpdate,
  SEARCH_ATTRIBUTES,
  setManualStatusUpdate,
  SHIPMENT_TASK_QUEUE,
  SHIPMENT_WORKFLOW_TYPE,
  shipmentWorkflowId,
  trackingQuery,
  type BookingOutcome,
  type CancelRequest,
  type CancelResult,
  type CourierEventSignal,
  type ManualStatusRequest,
  type RefreshResult,
  type ResolveNdrRequest,
  type ResolveNdrResult,
  type RetryBookingRequest,
  type ShipmentInput,
  type TrackingView,
} from '../workflows/shipment/contract';

/**
 * - not_found: no shipment workflow for the order;
 * - finished: the workflow has closed (delivered, returned, cancelled…), so it takes no more messages;
 * - conflict: the workflow refused the request in its current state (update validator or handler);
 * - invalid: the workflow refused the request as malformed (ApplicationFailure type listed below);
 * - unavailable: Temporal did not answer in time (server down, or no worker to run the update).
 */
export type GatewayErrorKind = 'not_found' | 'finished' | 'conflict' | 'invalid' | 'unavailable';

export class ShipmentGatewayError extends Error {
  override readonly name = 'ShipmentGatewayError';
  constructor(
    readonly kind: GatewayErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** ApplicationFailure types the workflow uses for "your request is malformed" (→ 422, not 409). */
export const INVALID_REQUEST_FAILURE_TYPES: readonly string[] = ['InvalidRequest', 'ValidationError', 'InvalidArgument'];

export interface ShipmentGateway {
  /** Start (or join) the order's workflow and wait for its booking answer. */
  ship(input: ShipmentInput): Promise<BookingOutcome>;
  /** The workflow's live view; null when no such workflow exists. */
  tracking(orderId: string): Promise<TrackingView | null>;
  /** Ask the workflow to poll its courier now. A finished shipment answers its final status unchanged. */
  refresh(orderId: string): Promise<RefreshResult>;
  resolveNdr(orderId: string, req: ResolveNdrRequest): Promise<ResolveNdrResult>;
  setManualStatus(orderId: string, req: ManualStatusRequest): Promise<TrackingView>;
  cancel(orderId: string, req: CancelRequest): Promise<CancelResult>;
  /** Hand courier events to the order's workflow (the webhook inbox's delivery). */
  signalEvents(orderId: string, signal: CourierEventSignal): Promise<void>;
}

/** Kept apart from ShipmentGateway so code that only reads or signals need not implement it. */
export interface BookingRetry {
  /** After a permanent booking failure: book again (another courier, corrected data). */
  retryBooking(orderId: string, req: RetryBookingRequest): Promise<BookingOutcome>;
}

export interface GatewayTimeouts {
  /** Longest wait for an update's answer (booking, refresh, NDR…). */
  updateMs: number;
  /** Signals and queries only need the server (queries a worker too), so they fail faster. */
  signalMs: number;
  queryMs: number;
}

export const DEFAULT_GATEWAY_TIMEOUTS: GatewayTimeouts = { updateMs: 30_000, signalMs: 5_000, queryMs: 10_000 };

export class TemporalShipmentGateway implements ShipmentGateway, BookingRetry {
  private readonly timeouts: GatewayTimeouts;

  constructor(
    private readonly client: Client,
    timeouts: Partial<GatewayTimeouts> = {},
  ) {
    this.timeouts = { ...DEFAULT_GATEWAY_TIMEOUTS, ...timeouts };
  }

  ship(input: ShipmentInput): Promise<BookingOutcome> {
    const startWorkflowOperation = new WithStartWorkflowOperation(SHIPMENT_WORKFLOW_TYPE, {
      workflowId: shipmentWorkflowId(input.orderId),
      taskQueue: SHIPMENT_TASK_QUEUE,
      args: [input],
      // A double click joins the running workflow; a finished one is never restarted for the same order.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.orderId, value: input.orderId },
        { key: SEARCH_ATTRIBUTES.courier, value: input.courier },
        { key: SEARCH_ATTRIBUTES.shipmentStatus, value: 'pending' },
        { key: SEARCH_ATTRIBUTES.ndrOpen, value: false },
      ],
      staticSummary: `Shipment for order ${input.orderId} via ${input.courier}`,
    });
    return this.call(input.orderId, this.timeouts.updateMs, () => this.client.workflow.executeUpdateWithStart(bookingUpdate, { startWorkflowOperation }));
  }

  async tracking(orderId: string): Promise<TrackingView | null> {
    try {
      return await this.call(orderId, this.timeouts.queryMs, () => this.handle(orderId).query(trackingQuery));
    } catch (e) {
      if (e instanceof ShipmentGatewayError && e.kind === 'not_found') return null;
      throw e;
    }
  }

  async refresh(orderId: string): Promise<RefreshResult> {
    try {
      return await this.update(orderId, () => this.handle(orderId).executeUpdate(refreshUpdate));
    } catch (e) {
      if (!(e instanceof ShipmentGatewayError) || e.kind !== 'finished') throw e;
      // The store's own syncOrderTracking (before Waybill) answered "nothing changed" for finished orders; keep that contract.
      const view = await this.call(orderId, this.timeouts.queryMs, () => this.handle(orderId).query(trackingQuery));
      return { success: true, statusUpdated: false, status: view.status, orderStatus: view.orderStatus };
    }
  }

  resolveNdr(orderId: string, req: ResolveNdrRequest): Promise<ResolveNdrResult> {
    return this.update(orderId, () => this.handle(orderId).executeUpdate(resolveNdrUpdate, { args: [req], updateId: req.requestId }));
  }

  setManualStatus(orderId: string, req: ManualStatusRequest): Promise<TrackingView> {
    return this.update(orderId, () => this.handle(orderId).executeUpdate(setManualStatusUpdate, { args: [req], updateId: req.requestId }));
  }

  cancel(orderId: string, req: CancelRequest): Promise<CancelResult> {
    return this.update(orderId, () => this.handle(orderId).executeUpdate(cancelUpdate, { args: [req], updateId: req.requestId }));
  }

  retryBooking(orderId: string, req: RetryBookingRequest): Promise<BookingOutcome> {
    return this.update(orderId, () => this.handle(orderId).executeUpdate(retryBookingUpdate, { args: [req], updateId: req.requestId }));
  }

  async signalEvents(orderId: string, signal: CourierEventSignal): Promise<void> {
    await this.call(orderId, this.timeouts.signalMs, () => this.handle(orderId).signal(courierEventSignal, signal));
  }

  private handle(orderId: string) {
    return this.client.workflow.getHandle(shipmentWorkflowId(orderId));
  }

  private update<T>(orderId: string, fn: () => Promise<T>): Promise<T> {
    return this.call(orderId, this.timeouts.updateMs, fn);
  }

  private async call<T>(orderId: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.client.withDeadline(Date.now() + timeoutMs, fn);
    } catch (e) {
      throw await this.classify(orderId, e);
    }
  }

  /** One place that knows Temporal's error shapes. */
  private async classify(orderId: string, e: unknown): Promise<unknown> {
    if (e instanceof WorkflowNotFoundError) {
      // Temporal says "not found" both for an unknown id and for messages to a closed run: tell them apart.
      return (await this.isClosed(orderId))
        ? new ShipmentGatewayError('finished', `the shipment of order ${orderId} has finished`)
        : new ShipmentGatewayError('not_found', `no shipment for order ${orderId}`);
    }
    if (e instanceof WorkflowUpdateFailedError) {
      const cause = e.cause;
      const message = cause?.message || e.message;
      const invalid = cause instanceof ApplicationFailure && cause.type != null && INVALID_REQUEST_FAILURE_TYPES.includes(cause.type);
      return new ShipmentGatewayError(invalid ? 'invalid' : 'conflict', message);
    }
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      return new ShipmentGatewayError('unavailable', `the shipment workflow of order ${orderId} did not answer in time (is a worker running?); retrying is safe`);
    }
    if (e instanceof ServiceError || isGrpcServiceError(e) || isConnectionFailure(e)) {
      return new ShipmentGatewayError('unavailable', 'Temporal is unreachable; retrying is safe');
    }
    return e;
  }

  private async isClosed(orderId: string): Promise<boolean> {
    try {
      const d = await this.client.withDeadline(Date.now() + this.timeouts.queryMs, () => this.handle(orderId).describe());
      return d.status.name !== 'RUNNING';
    } catch {
      return false;
    }
  }
}

function isConnectionFailure(e: unknown): boolean {
  // Connection.lazy() surfaces a refused or dropped connection as a plain Error from the transport.
  return e instanceof Error && /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED|Failed to connect|connection/i.test(e.message);
}
