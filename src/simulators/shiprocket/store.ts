// The simulated Shiprocket account: orders, their one shipment each, AWBs, scans, tokens.
import { randomBytes } from 'node:crypto';
import type { SimClock } from '../scenario';
import type { SrScan } from './scans';

export const TOKEN_TTL_MS = 10 * 24 * 3_600_000; // §1.1

export interface SimCourier {
  id: number;
  name: string;
  etdDays: number;
}

/** Couriers the simulated account can book: ids and names from the reference's samples. */
export const SIM_COURIERS: readonly SimCourier[] = [
  { id: 43, name: 'Delhivery Surface', etdDays: 4 },
  { id: 51, name: 'Xpressbees Surface', etdDays: 5 },
];

export interface SimOrder {
  srOrderId: number;
  shipmentId: number;
  channelOrderId: string;
  createdAt: number;
  pickupLocation: string;
  customer: { name: string; email?: string; phone: string; address: string; address2?: string; city: string; state: string; pincode: string };
  paymentMethod: 'COD' | 'Prepaid';
  subTotal: number;
  weightKg: number;
  dimensionsCm: [number, number, number];
  items: Array<{ name: string; sku: string; units: number; sellingPrice: number }>;
  awb?: string;
  courier?: SimCourier;
  awbAssignedAt?: number;
  pickup?: { generatedAt: number; scheduledFor: number; token: string };
  /** Set by a cancellation request; the Cancelled scan follows on the engine's schedule. */
  cancelRequestedAt?: number;
  /** Newest last. */
  scans: SrScan[];
  ndrActions: Array<{ at: number; action: string; comments: string }>;
}

export class SimStore {
  readonly orders: SimOrder[] = [];
  private readonly tokens = new Map<string, number>();
  private nextOrderId = 348_456_385;
  private nextShipmentId = 347_890_112;
  private nextAwb = 19_041_424_751_540;

  constructor(private readonly clock: SimClock) {}

  issueToken(): string {
    // JWT-shaped like the real thing; only its identity matters here.
    const token = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
    this.tokens.set(token, this.clock.now());
    return token;
  }

  /** How many logins succeeded: lets tests see a client reuse its token. */
  get issuedTokens(): number {
    return this.tokens.size;
  }

  tokenState(token: string): 'valid' | 'expired' | 'unknown' {
    const issuedAt = this.tokens.get(token);
    if (issuedAt === undefined) return 'unknown';
    return this.clock.now() - issuedAt >= TOKEN_TTL_MS ? 'expired' : 'valid';
  }

  /** Tests: make every issued token fail as a token does once its 10 days are over. */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, this.clock.now() - TOKEN_TTL_MS);
  }

  newOrder(o: Omit<SimOrder, 'srOrderId' | 'shipmentId' | 'createdAt' | 'scans' | 'ndrActions'>): SimOrder {
    const order: SimOrder = { ...o, srOrderId: this.nextOrderId++, shipmentId: this.nextShipmentId++, createdAt: this.clock.now(), scans: [], ndrActions: [] };
    this.orders.push(order);
    return order;
  }

  newAwb(): string {
    return String(this.nextAwb++);
  }

  byChannelOrderId(id: string): SimOrder | undefined {
    return this.orders.find((o) => o.channelOrderId === id);
  }

  byShipmentId(id: number): SimOrder | undefined {
    return this.orders.find((o) => o.shipmentId === id);
  }

  byAwb(awb: string): SimOrder | undefined {
    return this.orders.find((o) => o.awb === awb);
  }
}

/** The shipment-status id Shiprocket would report now (tracking `shipment_status`, webhook `shipment_status_id`). */
export function currentShipmentStatus(o: SimOrder): number {
  for (let i = o.scans.length - 1; i >= 0; i--) {
    const s = o.scans[i]!.srStatus;
    if (s !== 'NA') return s;
  }
  if (o.cancelRequestedAt !== undefined) return 16;
  if (o.pickup) return 3;
  return 1;
}

/** Shipment statuses after which the courier has the parcel. */
const HANDED_OVER = new Set([42, 6, 18, 17, 21, 7, 9, 46, 10, 12, 25, 38]);

/**
 * Cancellation by AWB is allowed only before "Out for Pickup" (SR-RN), and never once the courier has
 * the parcel; after a failed pickup the seller still holds it, so it may be cancelled again.
 */
export function cancellable(o: SimOrder): { ok: true } | { ok: false; why: string } {
  if (o.cancelRequestedAt !== undefined) return { ok: false, why: 'Shipment is already cancelled' };
  if (o.scans.some((s) => s.srStatus !== 'NA' && HANDED_OVER.has(s.srStatus))) return { ok: false, why: 'Shipment has already been picked up' };
  if (currentShipmentStatus(o) === 19) return { ok: false, why: 'Shipment is out for pickup' };
  return { ok: true };
}

/** An NDR is open while the newest status-bearing scan is Undelivered. */
export function openNdr(o: SimOrder): boolean {
  return currentShipmentStatus(o) === 21;
}
