// GET /courier/track/awb/:awb, POST /courier/track/awbs, GET /courier/track?order_id= (couriers.md §1.8).
import type { Router } from 'express';
import { bodyOf, notFound, type SimContext } from '../context';
import { trackingData } from '../payloads';

export const BULK_TRACK_LIMIT = 50;

export function mountTracking(r: Router, ctx: SimContext): void {
  r.get('/courier/track/awb/:awb', (req, res) => {
    const order = ctx.store.byAwb(req.params.awb);
    if (!order) {
      res.status(404).json(notFound);
      return;
    }
    // Not scanned yet is a 200 with track_status 0, not an error status.
    res.json({ tracking_data: trackingData(order, 'current') });
  });

  r.post('/courier/track/awbs', (req, res) => {
    const awbs = bodyOf(req).awbs;
    if (awbs === undefined || awbs === null) {
      res.json({});
      return;
    }
    if (!Array.isArray(awbs)) {
      // PHP iterating a non-array (§1.8): a warning turned into a 500.
      res.status(500).json({ message: 'Invalid argument supplied for foreach()', status_code: 500 });
      return;
    }
    if (awbs.length > BULK_TRACK_LIMIT) {
      // The cap is documented but the refusal is not; refusing loudly beats a silent truncation.
      res.status(422).json({ message: `The awbs may not have more than ${BULK_TRACK_LIMIT} items.`, errors: { awbs: [`The awbs may not have more than ${BULK_TRACK_LIMIT} items.`] }, status_code: 422 });
      return;
    }
    const out: Record<string, unknown> = {};
    for (const awb of awbs.map(String)) {
      const order = ctx.store.byAwb(awb);
      if (order) out[awb] = { tracking_data: trackingData(order, 'legacy') };
    }
    res.json(out);
  });

  r.get('/courier/track', (req, res) => {
    const orderId = typeof req.query.order_id === 'string' ? req.query.order_id : '';
    const order = orderId ? ctx.store.byChannelOrderId(orderId) : undefined;
    // A top-level array, one element per shipment of the order.
    res.json(order ? [{ tracking_data: trackingData(order, 'current') }] : []);
  });
}
