// The simulated iCarry account: session tokens, shipments as iCarry keeps them, and the NDR log the
// daily batch is built from.
import { randomBytes } from 'node:crypto';
import type { PhpArray } from './php-form';

export interface SimDetail {
  at: number;
  location: string;
  notes: string;
}

export interface SimIcarryShipment {
  shipmentId: number;
  /** iCarry answers the booking with a numeric AWB; the engine keys shipments by its string form. */
  awb: number;
  clientOrderId: string;
  mode: 'S' | 'E';
  courierId: number;
  courierName: string;
  bookedAt: number;
  code: number;
  datePicked?: number;
  dateDelivered?: number;
  /** The underlying courier's free-text status, which api_track_shipment reports. */
  text: string;
  location: string;
  details: SimDetail[];
  /** What was posted, as PHP saw it. */
  request: PhpArray;
}

export interface SimNdrEntry {
  shipmentId: number;
  awb: string;
  type: string;
  at: number;
}

export class IcarryStore {
  readonly shipments = new Map<number, SimIcarryShipment>();
  readonly byAwb = new Map<string, SimIcarryShipment>();
  readonly ndr: SimNdrEntry[] = [];
  private readonly tokens = new Map<string, number>();

  constructor(
    private nextShipmentId: number,
    private nextAwb: number,
  ) {}

  issueToken(at: number): string {
    // OpenCart's api_token is its session id: 26 hex-ish characters.
    const token = randomBytes(13).toString('hex');
    this.tokens.set(token, at);
    return token;
  }

  tokenValid(token: string | undefined, now: number, ttlMs: number): boolean {
    const issued = token === undefined ? undefined : this.tokens.get(token);
    return issued !== undefined && now - issued < ttlMs;
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  add(s: Omit<SimIcarryShipment, 'shipmentId' | 'awb'>): SimIcarryShipment {
    const shipment: SimIcarryShipment = { ...s, shipmentId: this.nextShipmentId++, awb: this.nextAwb++ };
    this.shipments.set(shipment.shipmentId, shipment);
    this.byAwb.set(String(shipment.awb), shipment);
    return shipment;
  }

  find(shipmentId: string | undefined): SimIcarryShipment | undefined {
    return shipmentId !== undefined && /^\s*\d+\s*$/.test(shipmentId) ? this.shipments.get(Number(shipmentId)) : undefined;
  }

  /** Bookings made for a client_order_id: iCarry does not stop a second one. */
  bookingsFor(clientOrderId: string): SimIcarryShipment[] {
    return [...this.shipments.values()].filter((s) => s.clientOrderId === clientOrderId);
  }
}
