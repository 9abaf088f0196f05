// Builds the API app for route tests: real MongoDB (the run's FerretDB), a scriptable gateway.
import pino from 'pino';
import { createApp } from '../../src/api/app';
import type { ShipmentGateway } from '../../src/api/shipment-gateway';
import type { Mongo } from '../../src/storage/mongo';
import { OrdersRepo } from '../../src/storage/orders-repo';
import type { BookingOutcome, ShipmentInput, TrackingView } from '../../src/workflows/shipment/contract';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

export class FakeGateway implements ShipmentGateway {
  readonly shipped: ShipmentInput[] = [];
  outcome: (input: ShipmentInput) => BookingOutcome = (i) => ({ ok: true, awb: `AWB-${i.orderId}`, courier: i.courier, trackingUrl: `https://track.example/${i.orderId}` });
  views = new Map<string, TrackingView>();
  async ship(input: ShipmentInput): Promise<BookingOutcome> {
    this.shipped.push(input);
    return this.outcome(input);
  }
  async tracking(orderId: string): Promise<TrackingView | null> {
    return this.views.get(orderId) ?? null;
  }
}

export function testApp(mongo: Mongo, gateway: ShipmentGateway = new FakeGateway()) {
  return createApp({
    log: pino({ level: 'silent' }),
    adminTokens: [ADMIN_TOKEN],
    health: { mongo: async () => true, temporal: async () => true },
    orders: new OrdersRepo(mongo.cols),
    shipments: gateway,
    defaultCourier: 'icarry',
    defaultItemWeightGrams: 500,
  });
}

export const sampleOrder = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  customer: { name: 'A Kumar', email: 'a.kumar@example.com', phone: '+91 98765 43210' },
  shippingAddress: { address1: '12 Example Street, Malad West', city: 'Mumbai', state: 'Maharashtra', pincode: '400064' },
  items: [
    { name: 'Herbal tea', sku: 'TEA-500', quantity: 2, unitPrice: 250, weight: '500g' },
    { name: 'Honey', sku: 'HNY-1', quantity: 1, unitPrice: 400, weight: '1kg' },
  ],
  paymentMethod: 'cod',
  codAmount: 900,
  ...over,
});
