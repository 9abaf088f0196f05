// POST /api/p/update (NDR actions, asynchronous: answers an UPL id) and GET /api/cmu/get_bulk_upl/:upl
// (the per-waybill outcome, where "Package in incorrect status" shows up). The simulator decides at once,
// so the outcome is readable immediately. Neither response shape was ever captured: the UPL id is sent
// as `request_id` (what one integrator reads) and outcomes as `{waybill, status, remark}` rows.
import express, { type Request, type Response, type Router } from 'express';
import { requireToken } from '../auth';
import type { SimContext } from '../context';
import { lastScan, type SimPackage, type UplRecord } from '../store';
import { istDate } from '../time';
import { applyEdit } from './edit';

const MAX_RECORDS = 1000;
const DAY = 86_400_000;

/** Eligible NSL codes: Delhivery One's RE-ATTEMPT list plus the older readme's additions (EOD-16, ST-108). */
const REATTEMPT_NSL = new Set(['EOD-74', 'EOD-15', 'EOD-104', 'EOD-43', 'EOD-86', 'EOD-11', 'EOD-69', 'EOD-6', 'EOD-16', 'ST-108']);
const DEFER_NSL = new Set(['EOD-74', 'EOD-15', 'EOD-11', 'EOD-3', 'EOD-16', 'EOD-6', 'ST-108']);
const INCORRECT_STATUS = 'Package in incorrect status';

type Row = UplRecord['results'][number];

function pendingWithCode(p: SimPackage, codes: ReadonlySet<string>): boolean {
  const s = lastScan(p)!;
  return s.statusType === 'UD' && s.status === 'Pending' && codes.has(s.code);
}

function attempts(p: SimPackage): number {
  return p.scans.filter((s) => s.statusType === 'UD' && s.status === 'Dispatched' && s.code === 'X-DDD3FD').length;
}

function apply(ctx: SimContext, rec: Record<string, unknown>): Row {
  const waybill = typeof rec.waybill === 'string' || typeof rec.waybill === 'number' ? String(rec.waybill) : '';
  const act = typeof rec.act === 'string' ? rec.act : '';
  const row = (status: Row['status'], remark: string): Row => ({ waybill, act, status, remark });
  const p = ctx.store.packages.get(waybill);
  if (!p) return row('Failure', 'Invalid waybill'); // (sim) wording
  const data = (rec.action_data ?? {}) as Record<string, unknown>;

  switch (act) {
    case 'RE-ATTEMPT': {
      const n = attempts(p);
      if (!pendingWithCode(p, REATTEMPT_NSL) || n < 1 || n > 2) return row('Failure', INCORRECT_STATUS);
      ctx.engine.recordNdrAction(waybill, 'reattempt');
      return row('Success', 'Re-attempt requested');
    }
    case 'DEFER_DLV': {
      if (!pendingWithCode(p, DEFER_NSL)) return row('Failure', INCORRECT_STATUS);
      const date = typeof data.deferred_date === 'string' ? data.deferred_date : '';
      const firstPending = p.scans.find((s) => s.statusType === 'UD' && s.status === 'Pending' && DEFER_NSL.has(s.code))!;
      const latest = istDate(firstPending.at + 6 * DAY);
      const today = istDate(ctx.clock.now());
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date < today || date > latest) return row('Failure', `Invalid deferred_date ${date || 'None'}`); // (sim) wording
      ctx.engine.recordNdrAction(waybill, 'reschedule', { deferred_date: date });
      return row('Success', 'Delivery deferred');
    }
    case 'EDIT_DETAILS': {
      const s = lastScan(p)!;
      if (s.statusType !== 'UD' || s.status !== 'Pending') return row('Failure', INCORRECT_STATUS);
      const fields: Record<string, string> = {};
      for (const k of ['name', 'phone', 'add']) if (typeof data[k] === 'string' && data[k]) fields[k] = data[k] as string;
      if (Object.keys(fields).length === 0) return row('Failure', 'Invalid data provided');
      applyEdit(ctx, p, fields);
      ctx.engine.recordNdrAction(waybill, 'edit', fields);
      return row('Success', 'Details updated');
    }
    case 'PICKUP_RESCHEDULE':
      return row('Failure', INCORRECT_STATUS); // reverse pickups only; the simulator books none
    default:
      return row('Failure', `Invalid action ${act || 'None'}`); // (sim) wording
  }
}

export function ndrRoutes(ctx: SimContext): Router {
  const r = express.Router();
  r.post('/api/p/update', requireToken(ctx.auth), express.json({ type: () => true }), (req: Request, res: Response) => {
    const data = (req.body ?? {}).data;
    if (!Array.isArray(data)) return void res.status(400).json({ error: 'Invalid data provided' });
    if (data.length > MAX_RECORDS) return void res.status(400).json({ error: 'Can not update more than 1000 records' });
    const upl: UplRecord = { id: ctx.store.nextUpl(), createdAt: ctx.clock.now(), results: [] };
    for (const rec of data) upl.results.push(apply(ctx, (rec ?? {}) as Record<string, unknown>));
    ctx.store.upls.set(upl.id, upl);
    res.status(200).json({ request_id: upl.id });
  });
  r.get('/api/cmu/get_bulk_upl/:upl', requireToken(ctx.auth), (req: Request, res: Response) => {
    const upl = ctx.store.upls.get(String(req.params.upl));
    if (!upl) return void res.status(404).json({ error: 'Invalid UPL id' }); // (sim) wording
    res.status(200).json({ request_id: upl.id, status: 'Completed', result: upl.results });
  });
  return r;
}
