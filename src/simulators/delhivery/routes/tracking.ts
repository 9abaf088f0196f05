// GET /api/v1/packages/json/?waybill=a,b (≤50) and/or &ref_ids=<order ids>.
import express, { type Request, type Response, type Router } from 'express';
import { requireToken } from '../auth';
import type { SimContext } from '../context';
import type { SimPackage } from '../store';
import { trackingShipment } from '../views';
import { sendWafBlock } from '../waf';

const MAX_WAYBILLS = 50;

function csv(v: unknown): string[] {
  if (typeof v !== 'string') return [];
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

export function trackingRoutes(ctx: SimContext): Router {
  const r = express.Router();
  r.get('/api/v1/packages/json/', requireToken(ctx.auth), (req: Request, res: Response) => {
    if (!ctx.limiter.allow('tracking', req.ip ?? '', ctx.limits.tracking)) return sendWafBlock(res);
    const waybills = csv(req.query.waybill);
    const refs = csv(req.query.ref_ids);
    // Over 50 waybills is not a validation error at Delhivery: the WAF blocks the call.
    if (waybills.length > MAX_WAYBILLS) return sendWafBlock(res);

    const found: SimPackage[] = [];
    const seen = new Set<string>();
    const add = (p: SimPackage | undefined) => {
      if (p && !seen.has(p.awb)) {
        seen.add(p.awb);
        found.push(p);
      }
    };
    for (const w of waybills) add(ctx.store.packages.get(w));
    for (const p of ctx.store.byOrderIds(new Set(refs))) add(p);

    if (found.length === 0) {
      // The wrapper key was never captured; integrators read `Error`, so that is what is sent (HTTP 200).
      const Error = waybills.length > 0 ? 'Data does not exists for provided Waybill(s)' : 'No such waybill or order ID found';
      return void res.status(200).json({ Error });
    }
    res.status(200).json({ ShipmentData: found.map((p) => ({ Shipment: trackingShipment(p) })) });
  });
  return r;
}
