// POST /api/cmu/create.json: the form body `format=json&data=<json>`, Delhivery's validation order and
// wording, and its habit of answering failures with HTTP 200 and `success:false`.
import express, { type Request, type Response, type Router } from 'express';
import { isSimServiceable } from '../../types';
import { requireToken } from '../auth';
import type { SimContext } from '../context';
import { jsonErrorRemark, parseDelhiveryForm } from '../form';
import { SCAN } from '../scans';
import { duplicateKey, type SimPackage } from '../store';

const FORBIDDEN = /[&#%;\\]/;
const MANDATORY = ['name', 'add', 'pin', 'phone', 'order'] as const;
/** Delhivery accepts these prefixes before a 10-digit mobile: 91, +91, +91-, 91-, 0. */
const PHONE = /^(?:\+?91-?|0)?[6-9]\d{9}$/;

const END_DATE_RMK =
  "Package creation API error.Package might be saved.Please contact tech.admin@delhivery.com. Error message is 'NoneType' object has no attribute 'end_date' . Quote this error message while reporting.";

const crash = (why: string) => `Crashing while saving package due to exception '${why}'. Package might have been partially saved.`;

interface PackageResult {
  status: 'Success' | 'Fail';
  client: string;
  sort_code: string | null;
  remarks: string[];
  waybill: string;
  cod_amount: number;
  payment: string;
  serviceable: boolean;
  refnum: string;
}

/** The short failure form: `{"waybill":"","success":false,"error":true,"rmk":"…"}` (HTTP 200). */
function shortFail(res: Response, rmk: string): void {
  res.status(200).json({ waybill: '', success: false, error: true, rmk });
}

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

function firstForbidden(s: Record<string, unknown>): string | undefined {
  for (const [k, v] of Object.entries(s)) if (typeof v === 'string' && FORBIDDEN.test(v)) return k;
  return undefined;
}

export function createRoutes(ctx: SimContext): Router {
  const r = express.Router();
  r.post('/api/cmu/create.json', requireToken(ctx.auth, true), express.text({ type: () => true, limit: '2mb' }), (req: Request, res: Response) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const form = parseDelhiveryForm(body);
    if (!form.has('format')) return shortFail(res, 'format key missing in the post');
    if (res.locals.otherEnv) return shortFail(res, END_DATE_RMK);
    const data = form.get('data') ?? '';
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return shortFail(res, jsonErrorRemark(data));
    }
    const p = (payload ?? {}) as { shipments?: unknown; pickup_location?: { name?: unknown } };
    if (!Array.isArray(p.shipments)) return shortFail(res, "Package creation API error. Error message is 'unicode' object has no attribute 'get'");
    if (p.shipments.length === 0) return shortFail(res, 'shipment list contains no data');
    // Exact, case-sensitive match, as Delhivery does.
    if (p.pickup_location?.name !== ctx.warehouse) return shortFail(res, 'ClientWarehouse matching query does not exist.');

    const results = (p.shipments as unknown[]).map((s) => book(ctx, (s ?? {}) as Record<string, unknown>));
    const ok = results.filter((x) => x.status === 'Success');
    const failed = results.find((x) => x.status === 'Fail');
    const response: Record<string, unknown> = {
      cash_pickups_count: 0,
      package_count: results.length,
      upload_wbn: ctx.store.nextUpl(),
      replacement_count: 0,
      pickups_count: 0,
      packages: results,
      cash_pickups: 0,
      cod_count: ok.filter((x) => x.payment === 'COD').length,
      success: !failed,
      prepaid_count: ok.filter((x) => x.payment === 'Pre-paid').length,
      cod_amount: ok.reduce((n, x) => n + x.cod_amount, 0),
    };
    if (failed) {
      response.error = true;
      response.rmk = failed.remarks[0];
      if (/Duplicate Order Id/.test(failed.remarks[0] ?? '')) response.err_code = 'ER0005';
    }
    res.status(200).json(response);
  });
  return r;
}

function book(ctx: SimContext, s: Record<string, unknown>): PackageResult {
  const order = typeof s.order === 'string' || typeof s.order === 'number' ? String(s.order) : '';
  const cod = String(s.payment_mode ?? '').toLowerCase() === 'cod';
  const result: PackageResult = {
    status: 'Fail',
    client: ctx.clientName,
    sort_code: null,
    remarks: [],
    waybill: '',
    cod_amount: cod ? num(s.cod_amount) : 0,
    payment: cod ? 'COD' : 'Pre-paid',
    serviceable: true,
    refnum: order,
  };
  const fail = (remark: string, extra: Partial<PackageResult> = {}) => Object.assign(result, { remarks: [remark] }, extra);

  const missing = MANDATORY.find((k) => s[k] === undefined || String(s[k]).trim() === '');
  if (missing) return fail(crash(`${missing} is a mandatory field`)); // (sim) wording
  if (order.length > 50) return fail('oid does not pass the validator <lambda>.check if there any extra character or dots in column');
  const bad = firstForbidden(s);
  if (bad) return fail(crash(`special characters & # % ; \\ are not allowed (${bad})`)); // (sim) wording
  const mode = String(s.payment_mode ?? '');
  if (!/^(prepaid|cod)$/i.test(mode)) return fail(crash(`Package type ${mode || 'None'} not serviceable for this account`));
  const pin = String(s.pin);
  if (!isSimServiceable(pin)) return fail(crash(`${pin} is non serviceable pincode`), { serviceable: false });
  if (!PHONE.test(String(s.phone).replace(/\s+/g, ''))) return fail(`Incorrect phone number(s) for order ${order}`);
  const dupKey = duplicateKey(ctx.clientName, { order, total_amount: s.total_amount, products_desc: s.products_desc, payment_mode: s.payment_mode, name: s.name });
  if (ctx.store.byDuplicateKey.has(dupKey)) return fail(crash('Duplicate Order Id'));
  if (ctx.walletBalance() < 500) return fail(crash('client manifest charge API failed due to insufficient balance'));

  const now = ctx.clock.now();
  const awb = ctx.store.nextWaybill();
  const pkg: SimPackage = {
    awb,
    orderId: order,
    createdAt: now,
    paymentMode: cod ? 'COD' : 'Pre-paid',
    codAmount: result.cod_amount,
    totalAmount: num(s.total_amount),
    consignee: {
      name: String(s.name),
      add: String(s.add),
      city: String(s.city ?? ''),
      state: String(s.state ?? ''),
      pin,
      phone: String(s.phone),
    },
    productsDesc: String(s.products_desc ?? ''),
    quantity: String(s.quantity ?? ''),
    weightGrams: num(s.weight),
    warehouse: ctx.warehouse,
    clientName: ctx.clientName,
    sortCode: 'BLR/BMS',
    scans: [],
    cancelled: false,
    edits: [],
  };
  ctx.store.packages.set(awb, pkg);
  ctx.store.byDuplicateKey.set(dupKey, awb);
  ctx.engine.add(awb, order, ctx.scenarioFor(order));
  ctx.record(pkg, [{ ...SCAN.manifested, at: now }], 'Bengaluru_Bomsndra_PC (Karnataka)');
  return Object.assign(result, { status: 'Success' as const, sort_code: pkg.sortCode, remarks: [''], waybill: awb });
}
