// The API's one door into Temporal for shipments. Handlers call this; nothing else in src/api imports
// the Temporal client.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  bookingUpdate,
  SEARCH_ATTRIBUTES,
  SHIPMENT_TASK_QUEUE,
  SHIPMENT_WORKFLOW_TYPE,
  shipmentWorkflowId,
  trackingQuery,
  type BookingOutcome,
  type ShipmentInput,
  type TrackingView,
} from '../workflows/shipment/contract';

export interface ShipmentGateway {
  /** Start (or join) the order's workflow and wait for its booking answer. */
  ship(input: ShipmentInput, opts?: { signal?: AbortSignal }): Promise<BookingOutcome>;
  /** The workflow's live view; null when no such workflow exists. */
  tracking(orderId: string): Promise<TrackingView | null>;
}

export class TemporalShipmentGateway implements ShipmentGateway {
  constructor(private readonly client: Client) {}

  async ship(input: ShipmentInput): Promise<BookingOutcome> {
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
    return this.client.workflow.executeUpdateWithStart(bookingUpdate, { startWorkflowOperation });
  }

  async tracking(orderId: string): Promise<TrackingView | null> {
    try {
      return await this.client.workflow.getHandle(shipmentWorkflowId(orderId)).query(trackingQuery);
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) return null;
      throw e;
    }
  }
}
