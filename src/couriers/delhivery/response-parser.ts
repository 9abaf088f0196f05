// Delhivery response bodies → plain outcomes. Pure; classification into CourierErrors stays in classify.ts.
import type { Serviceability } from '../types';
import { bodyMessages } from './errors';
import { createResponseSchema, editResponseSchema, pincodeResponseSchema } from './wire';

// ---------------------------------------------------------------------------------------------------
// Create

export type CreateOutcome =
  | { kind: 'booked'; awb: string; refnum?: string }
  | { kind: 'duplicate'; remark: string }
  | { kind: 'failed'; remark: string };

function remarksText(remarks: unknown): string {
  if (typeof remarks === 'string') return remarks.trim();
  if (Array.isArray(remarks)) return remarks.filter((r): r is string => typeof r === 'string' && r.trim() !== '').join('; ');
  return '';
}

/**
 * HTTP 200 does not mean booked: `success`, each package's `status` ("Success"/"Fail"), `rmk` and
 * `remarks[]` all have to agree. One shipment is sent per call, so the first package is ours.
 */
export function parseCreateResponse(body: unknown, duplicateRe: RegExp): CreateOutcome | undefined {
  const parsed = createResponseSchema.safeParse(body);
  if (!parsed.success || typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const r = parsed.data;
  const pkg = r.packages?.[0];
  const pkgOk = pkg?.status?.trim().toLowerCase() === 'success';
  const awb = pkg?.waybill?.trim();
  if (r.success === true && pkgOk && awb) return { kind: 'booked', awb, refnum: pkg?.refnum?.trim() || undefined };

  const remark = [r.rmk?.trim(), remarksText(pkg?.remarks), typeof r.error === 'string' ? r.error.trim() : undefined]
    .filter((s): s is string => Boolean(s))
    .filter((s, i, all) => all.indexOf(s) === i)
    .join('; ');
  if (duplicateRe.test(remark)) return { kind: 'duplicate', remark };
  if (r.success === undefined && !pkg && !remark) return undefined; // not a create response at all
  return { kind: 'failed', remark: remark || bodyMessages(body) };
}

// ---------------------------------------------------------------------------------------------------
// Serviceability

/**
 * `delivery_codes: []` is a pincode Delhivery does not serve (NSZ); `remarks: "Embargo"` one it serves but
 * not right now. The `cod` flag is read for cash on delivery; the sample also carries a `cash` flag whose
 * meaning is not documented, so it is ignored.
 */
export function parsePincodeResponse(body: unknown, pincode: string, paymentMethod: 'prepaid' | 'cod'): Serviceability | undefined {
  const parsed = pincodeResponseSchema.safeParse(body);
  if (!parsed.success || !parsed.data.delivery_codes) return undefined;
  const codes = parsed.data.delivery_codes.map((d) => d.postal_code).filter((p) => p !== undefined && p !== null);
  const entry = codes.find((p) => p.pin?.trim() === pincode) ?? (codes.length === 1 ? codes[0] : undefined);
  if (!entry) return { serviceable: false, cod: false, prepaid: false, reason: `Delhivery does not deliver to pincode ${pincode}` };
  const remark = entry.remarks?.trim() ?? '';
  if (/embargo/i.test(remark)) {
    return { serviceable: false, cod: false, prepaid: false, reason: `Delhivery has temporarily suspended deliveries to pincode ${pincode} (embargo)` };
  }
  const cod = entry.cod === true;
  const prepaid = entry.pre_paid === true;
  const ok = paymentMethod === 'cod' ? cod : prepaid;
  const result: Serviceability = { serviceable: ok, cod, prepaid };
  if (!ok) result.reason = `Delhivery does not take ${paymentMethod === 'cod' ? 'cash on delivery' : 'prepaid'} shipments to pincode ${pincode}`;
  else if (remark) result.reason = remark;
  return result;
}

// ---------------------------------------------------------------------------------------------------
// Cancel (POST /api/p/edit)

export type CancelOutcome = { ok: true; remark: string } | { ok: false; remark: string };

/**
 * The cancel response was never captured (couriers.md §5 q8). Accepted: JSON `{status: true|"true"|
 * "Success", remark}` and the older XML `<status>True</status><remark>…</remark>`. Anything else is
 * unreadable (undefined).
 */
export function parseCancelResponse(text: string, json: unknown): CancelOutcome | undefined {
  if (json !== undefined && typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const parsed = editResponseSchema.safeParse(json);
    if (!parsed.success) return undefined;
    const r = parsed.data;
    const remark = (r.remark ?? r.remarks ?? r.error ?? r.rmk ?? '').trim();
    if (r.status === undefined) return remark ? { ok: false, remark } : undefined;
    return { ok: r.status, remark };
  }
  const status = /<status>\s*([^<]*?)\s*<\/status>/i.exec(text)?.[1];
  if (status === undefined) return undefined;
  const remark = /<remarks?>\s*([^<]*?)\s*<\/remarks?>/i.exec(text)?.[1] ?? '';
  return { ok: /^(true|success|1)$/i.test(status), remark };
}

/** Refusals that mean the goal is already met: the shipment is already cancelled. */
export const ALREADY_CANCELLED = /already\s+(been\s+)?cancel/i;

// ---------------------------------------------------------------------------------------------------
// NDR (POST /api/p/update, GET /api/cmu/get_bulk_upl/<id>)

/**
 * The key carrying the UPL id was never captured: one integrator reads `request_id`, mocks use `upl_id`.
 * Read those, then `upl`/`UPL`, then any top-level string that looks like an UPL id.
 */
export function findUplId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  for (const k of ['request_id', 'upl_id', 'upl', 'UPL', 'requestId', 'upload_wbn']) {
    const v = o[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  for (const v of Object.values(o)) if (typeof v === 'string' && /^UPL\w+$/.test(v.trim())) return v.trim();
  return undefined;
}

export type UplOutcome = { state: 'accepted' } | { state: 'rejected'; remark: string } | { state: 'pending' };

const FAILED = /fail|error|reject|invalid/i;
const REFUSAL_REMARK = /incorrect status|invalid|not allowed|can ?not|cannot|not eligible|failed/i;

/**
 * The UPL status shape was never captured either. Any object in the body that names our waybill is taken
 * as its result: a failure-looking status or a refusal-looking remark means rejected, a success-looking
 * status means accepted; no entry for the waybill means still processing.
 */
export function parseUplStatus(body: unknown, awb: string): UplOutcome {
  const entries: Array<Record<string, unknown>> = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 4 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => visit(x, depth + 1));
    const o = v as Record<string, unknown>;
    const wb = o.waybill ?? o.wbn ?? o.awb;
    if ((typeof wb === 'string' || typeof wb === 'number') && String(wb) === awb) entries.push(o);
    for (const x of Object.values(o)) visit(x, depth + 1);
  };
  visit(body, 0);
  for (const e of entries) {
    const status = typeof e.status === 'string' ? e.status : typeof e.status === 'boolean' ? String(e.status) : '';
    const remark = [e.remark, e.remarks, e.message, e.error].find((x): x is string => typeof x === 'string' && x.trim() !== '')?.trim() ?? '';
    if (e.status === false || FAILED.test(status) || (remark && REFUSAL_REMARK.test(remark) && !/success/i.test(status))) {
      return { state: 'rejected', remark: remark || status };
    }
    if (e.status === true || /success|complete|done|processed/i.test(status)) return { state: 'accepted' };
  }
  return { state: 'pending' };
}
