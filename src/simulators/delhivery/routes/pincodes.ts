// GET /c/api/pin-codes/json/?filter_codes=<pin>[,<pin>…]
// Simulator rules (besides the shared "a pincode starting with 9 is not served"): a pincode ending in 999
// is under embargo, one ending in 77 takes no cash on delivery.
import express, { type Request, type Response, type Router } from 'express';
import { isSimServiceable } from '../../types';
import { requireToken } from '../auth';
import type { SimContext } from '../context';
import { sendWafBlock } from '../waf';

export function isSimEmbargoed(pin: string): boolean {
  return pin.endsWith('999');
}

export function simTakesCod(pin: string): boolean {
  return !pin.endsWith('77');
}

function postalCode(pin: string): Record<string, unknown> {
  return {
    postal_code: {
      city: 'Simulated City',
      cod: simTakesCod(pin) ? 'Y' : 'N',
      inc: 'Sim_Central_D (Maharashtra)',
      district: 'Simulated District',
      pin: Number(pin),
      max_amount: 0.0,
      pre_paid: 'Y',
      cash: 'Y',
      state_code: 'MH',
      max_weight: 0.0,
      pickup: 'Y',
      repl: 'Y',
      covid_zone: null,
      country_code: 'IN',
      is_oda: 'N',
      remarks: isSimEmbargoed(pin) ? 'Embargo' : '',
    },
  };
}

export function pincodeRoutes(ctx: SimContext): Router {
  const r = express.Router();
  r.get('/c/api/pin-codes/json/', requireToken(ctx.auth), (req: Request, res: Response) => {
    if (!ctx.limiter.allow('pincode', req.ip ?? '', ctx.limits.pincode)) return sendWafBlock(res);
    const pins = typeof req.query.filter_codes === 'string' ? req.query.filter_codes.split(',').map((s) => s.trim()) : [];
    // Unknown and unserved pincodes are simply absent: `delivery_codes: []` is Delhivery's "not serviceable".
    res.status(200).json({ delivery_codes: pins.filter((p) => isSimServiceable(p)).map(postalCode) });
  });
  return r;
}
