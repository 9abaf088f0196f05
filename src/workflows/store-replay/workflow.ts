// storeReplayWorkflow: an ops replay of store events to one endpoint. Orders are delivered side by side
// (a few at a time), each order's events one after another in the order given. Continues as new every
// `batch` events, so a long range never outgrows its history.
import { continueAsNew, log, proxyActivities } from '@temporalio/workflow';
import type { ShipmentActivities } from '../../activities';
import type { StoreReplayInput, StoreReplayResult } from './contract';

const { replayStoreEvent } = proxyActivities<ShipmentActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const PARALLEL_ORDERS = 8;

export async function storeReplayWorkflow(input: StoreReplayInput, carried: StoreReplayResult = { delivered: 0, failed: 0, skipped: 0 }): Promise<StoreReplayResult> {
  const batch = input.batch ?? 500;
  const now = input.eventIds.slice(0, batch);
  const rest = input.eventIds.slice(batch);
  const result = { ...carried };

  // Event ids are `${orderId}:e${n}`: group by order, keeping the given order within each.
  const byOrder = new Map<string, string[]>();
  for (const id of now) {
    const order = id.slice(0, id.lastIndexOf(':e'));
    byOrder.set(order, [...(byOrder.get(order) ?? []), id]);
  }
  const queues = [...byOrder.values()];
  let stopped = false;
  const lane = async () => {
    for (let q = queues.shift(); q && !stopped; q = queues.shift()) {
      for (const eventId of q) {
        try {
          const r = await replayStoreEvent({ endpointId: input.endpointId, eventId });
          if (r.outcome === 'delivered') result.delivered += 1;
          else result.skipped += 1;
          if (r.outcome === 'gone' || (r.outcome === 'skipped' && r.reason === 'endpoint deleted')) stopped = true;
        } catch (err) {
          result.failed += 1;
          log.warn('replay of a store event failed', { endpointId: input.endpointId, eventId, error: err instanceof Error ? err.message : String(err) });
        }
        if (stopped) break;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_ORDERS }, lane));
  if (!stopped && rest.length > 0) return continueAsNew<typeof storeReplayWorkflow>({ ...input, eventIds: rest }, result);
  return result;
}
