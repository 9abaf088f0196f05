// The store-event replay workflow's contract: what the API imports to start one (no workflow code).
import { SHIPMENT_TASK_QUEUE } from '../shipment/contract';

export const STORE_REPLAY_TASK_QUEUE = SHIPMENT_TASK_QUEUE;
export const STORE_REPLAY_WORKFLOW = 'storeReplayWorkflow';

export interface StoreReplayInput {
  endpointId: string;
  /** In the order to deliver them; each order's events keep their order. */
  eventIds: string[];
  /** Test hook: continue-as-new after this many deliveries (default 500). */
  batch?: number;
}

export interface StoreReplayResult {
  delivered: number;
  failed: number;
  /** Events no longer kept, or the endpoint gone or deleted meanwhile. */
  skipped: number;
}

export const storeReplayWorkflowId = (endpointId: string, requestId: string) => `store-replay-${endpointId}-${requestId}`;
