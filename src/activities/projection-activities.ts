// Writes the MongoDB projection. Every store method is idempotent (keys, seq), so the workflow can run
// this as a local activity and let it retry after any crash.
import type { ActivityDeps } from './deps';
import type { ProjectionWrite } from './types';

export function createProjectionActivities(deps: ActivityDeps) {
  return {
    async recordProjection(w: ProjectionWrite): Promise<void> {
      const { store } = deps;
      // AWB first: a webhook for this AWB may arrive the moment the courier has it.
      if (w.awb) await store.registerAwb(w.awb.courier, w.awb.awb, w.shipment.orderId);
      if (w.events.length > 0 && w.shipment.awb) await store.upsertEvents(w.shipment.orderId, w.shipment.courier, w.shipment.awb, w.events);
      for (const entry of w.orderStatus) await store.setOrderStatus(w.shipment.orderId, entry);
      for (const note of w.notes) await store.addOrderNote(w.shipment.orderId, note);
      // Last: its seq says everything above is in.
      await store.upsertShipment(w.shipment);
      // Sync freshness: how long after the courier's own scan the store shows the new status.
      const storedAt = deps.clock.now();
      for (const e of w.events) {
        if (e.applied && (e.source === 'webhook' || e.source === 'poll')) deps.metrics?.statusApplied?.(w.shipment.courier, e.source, Date.parse(e.occurredAt), storedAt);
      }
    },
  };
}
