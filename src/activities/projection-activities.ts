// Writes the MongoDB projection. Every store method is idempotent (keys, seq), so the workflow can run
// this as a local activity and let it retry after any crash.
import type { ActivityDeps } from './deps';
import type { StoreEvent } from '../domain/store-events';
import type { ProjectionResult, ProjectionWrite } from './types';

/** AWBs this process has registered: registration is idempotent and permanent, so once is enough. */
const REGISTERED_AWBS_MAX = 100_000;

export function createProjectionActivities(deps: ActivityDeps, recordStoreEvents: (events: StoreEvent[]) => Promise<Record<string, string[]>> = async () => ({})) {
  const registered = new Set<string>();
  return {
    async recordProjection(w: ProjectionWrite): Promise<ProjectionResult> {
      const { store } = deps;
      const orderId = w.shipment.orderId;
      // AWB first: a webhook for this AWB may arrive the moment the courier has it.
      if (w.awb) {
        const key = `${w.awb.courier}:${w.awb.awb}:${orderId}`;
        if (!registered.has(key)) {
          await store.registerAwb(w.awb.courier, w.awb.awb, orderId);
          if (registered.size >= REGISTERED_AWBS_MAX) registered.delete(registered.values().next().value!);
          registered.add(key);
        }
      }
      if (store.applyProjection) {
        await store.applyProjection(w);
      } else {
        if (w.events.length > 0 && w.shipment.awb) await store.upsertEvents(orderId, w.shipment.courier, w.shipment.awb, w.events);
        for (const entry of w.orderStatus) await store.setOrderStatus(orderId, entry);
        for (const note of w.notes) await store.addOrderNote(orderId, note);
        // Last: its seq says everything above is in.
        await store.upsertShipment(w.shipment);
      }
      // Sync freshness: how long after the courier's own scan the store shows the new status.
      const storedAt = deps.clock.now();
      for (const e of w.events) {
        if (e.applied && (e.source === 'webhook' || e.source === 'poll')) deps.metrics?.statusApplied?.(w.shipment.courier, e.source, Date.parse(e.occurredAt), storedAt);
      }
      // Store events last, in the same write as the change they tell: a retried write appends them again
      // under the same ids (the store dedupes on them), never a change without its event.
      if (!w.storeEvents || w.storeEvents.length === 0) return {};
      return { storeSubscribers: await recordStoreEvents(w.storeEvents) };
    },
  };
}
