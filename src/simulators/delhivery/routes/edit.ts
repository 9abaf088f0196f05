// POST /api/p/edit: cancellation (`{"waybill", "cancellation": "true"}`) and detail edits.
// Cancel semantics (DL-ONE): allowed in Manifested, In Transit or Pending; before pickup the shipment stays
// UD/Manifested (it is never picked up); after pickup it turns RT at once and comes back to the warehouse.
// The response shape was never captured: `{status, remark}` is what integrators read.
import express, { type Request, type Response, type Router } from 'express';
import { requireToken } from '../auth';
import type { SimContext } from '../context';
import { SCAN } from '../scans';
import { lastScan, type SimPackage } from '../store';

const CANCELLABLE = new Set(['manifested', 'not picked', 'in transit', 'pending']);
const EDITABLE = new Set(['manifested', 'in transit', 'pending']);
const EDIT_FIELDS = ['name', 'add', 'phone'] as const;

function currentState(p: SimPackage): { type: string; status: string } {
  const s = lastScan(p)!;
  return { type: s.statusType, status: s.status.toLowerCase() };
}

export function editRoutes(ctx: SimContext): Router {
  const r = express.Router();
  r.post('/api/p/edit', requireToken(ctx.auth), express.json({ type: () => true }), (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const awb = typeof body.waybill === 'string' || typeof body.waybill === 'number' ? String(body.waybill) : '';
    if (!awb) return void res.status(200).json({ status: false, remark: 'waybill is mandatory' });
    const p = ctx.store.packages.get(awb);
    if (!p) return void res.status(200).json({ status: false, remark: 'No such waybill or order ID found', waybill: awb });

    if (body.cancellation === 'true' || body.cancellation === true) return cancel(ctx, p, res);

    const fields: Record<string, string> = {};
    for (const k of EDIT_FIELDS) if (typeof body[k] === 'string' && body[k]) fields[k] = body[k] as string;
    if (Object.keys(fields).length === 0) return void res.status(200).json({ status: false, remark: 'Nothing to update', waybill: awb });
    const st = currentState(p);
    if (st.type !== 'UD' || !EDITABLE.has(st.status)) {
      return void res.status(200).json({ status: false, remark: `Edit not allowed in current status ${lastScan(p)!.status}`, waybill: awb });
    }
    applyEdit(ctx, p, fields);
    res.status(200).json({ status: true, remark: 'Shipment details updated', waybill: awb });
  });
  return r;
}

export function applyEdit(ctx: SimContext, p: SimPackage, fields: Record<string, string>): void {
  if (fields.name) p.consignee.name = fields.name;
  if (fields.add) p.consignee.add = fields.add;
  if (fields.phone) p.consignee.phone = fields.phone;
  p.edits.push({ at: ctx.clock.now(), fields });
}

function cancel(ctx: SimContext, p: SimPackage, res: Response): void {
  const st = currentState(p);
  if (p.cancelled && st.type === 'RT') {
    return void res.status(200).json({ status: false, remark: 'Shipment has already been cancelled', waybill: p.awb });
  }
  if (st.type !== 'UD' || !CANCELLABLE.has(st.status)) {
    return void res.status(200).json({ status: false, remark: `Cancellation not allowed in current status ${lastScan(p)!.status}`, waybill: p.awb }); // (sim) wording
  }
  p.cancelled = true;
  const outcome = ctx.engine.cancel(p.awb);
  if (outcome === 'rto') {
    const location = lastScan(p)!.location;
    ctx.record(p, [{ ...SCAN.rtoCancelled, at: ctx.clock.now() }], location);
  }
  res.status(200).json({ status: true, remark: 'Shipment has been cancelled', waybill: p.awb });
}
