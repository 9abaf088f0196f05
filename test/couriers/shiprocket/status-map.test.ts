// The status tables against couriers.md §1.8a, §1.8b and §4, written out here independently.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShipmentStatus, type ShipmentStatus } from '../../../src/domain/status';
import { ndrReasonFromText } from '../../../src/couriers/shiprocket/ndr-reasons';
import { scanStatus } from '../../../src/couriers/shiprocket/events';
import { normaliseCurrentStatus, normaliseStatusId, ORDER_STATUS_TABLE, SHIPMENT_STATUS_TABLE } from '../../../src/couriers/shiprocket/status-map';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every shipment-status id §1.8a lists. */
const DOCUMENTED_SHIPMENT_IDS = [...range(1, 27), ...range(38, 52), ...range(54, 57), ...range(59, 63), 67, 68, 71, 72, ...range(75, 83)];
/** Every order-status id §1.8b lists, third-party extension included. */
const DOCUMENTED_ORDER_IDS = [...range(1, 46), ...range(51, 55), 57, 58];

/** §4's table, shipment enum. */
const SHIPMENT_EXPECTED: Record<number, ShipmentStatus | null> = {
  1: 'booked', 2: 'booked', 5: 'booked', 52: 'booked',
  3: 'pickup_scheduled', 4: 'pickup_scheduled', 15: 'pickup_scheduled', 27: 'pickup_scheduled', 19: 'pickup_scheduled',
  13: 'pickup_failed', 20: 'pickup_failed',
  42: 'picked_up',
  6: 'in_transit', 18: 'in_transit', 38: 'in_transit', 48: 'in_transit', 50: 'in_transit', 51: 'in_transit', 55: 'in_transit',
  17: 'out_for_delivery',
  7: 'delivered', 23: 'delivered',
  21: 'undelivered', 22: null,
  9: 'rto_initiated',
  46: 'rto_in_transit', 40: 'rto_in_transit', 41: 'rto_in_transit', 75: 'rto_in_transit', 78: 'rto_in_transit',
  10: 'rto_delivered', 14: 'rto_delivered',
  8: 'cancelled', 16: 'cancelled', 45: 'cancelled',
  12: 'lost', 76: 'lost',
  25: 'damaged',
  // destroyed/disposed fold into damaged/lost; misrouted keeps moving
  24: 'damaged', 44: 'lost', 39: 'in_transit',
  // informational: fulfilment centre and hyperlocal riders
  59: null, 63: null, 67: null, 79: null, 83: null,
};

/** §4's table, order enum. */
const ORDER_EXPECTED: Record<number, ShipmentStatus | null> = {
  1: 'pending', 2: 'pending', 3: 'booked', 4: 'pickup_scheduled', 12: 'pickup_scheduled', 13: 'pickup_scheduled', 34: 'pickup_scheduled',
  14: 'pickup_failed', 35: 'pickup_failed', 6: 'in_transit', 20: 'in_transit', 43: 'in_transit', 44: 'in_transit', 19: 'out_for_delivery',
  7: 'delivered', 38: 'delivered', 36: 'undelivered', 15: 'rto_initiated', 45: 'rto_in_transit', 46: 'rto_in_transit', 16: 'rto_delivered',
  17: 'rto_delivered', 5: 'cancelled', 18: 'cancelled', 33: 'lost', 40: 'damaged', 39: 'damaged', 25: null, 32: null,
};

describe('shipment-status table', () => {
  it.each(DOCUMENTED_SHIPMENT_IDS)('knows documented id %i', (id) => {
    const n = normaliseStatusId('shipment', id);
    expect(n.unmapped).toBe(false);
    expect(n.status === null || isShipmentStatus(n.status)).toBe(true);
  });

  it.each(Object.entries(SHIPMENT_EXPECTED))('maps %s as §4 says', (id, expected) => {
    expect(normaliseStatusId('shipment', Number(id)).status).toBe(expected);
  });

  it('holds nothing undocumented and no id twice', () => {
    const ids = SHIPMENT_STATUS_TABLE.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(DOCUMENTED_SHIPMENT_IDS);
  });

  it('marks exactly the officially sampled ids as confirmed', () => {
    expect(SHIPMENT_STATUS_TABLE.filter((r) => r.confirmed).map((r) => r.id)).toEqual([1, 3, 5, 6, 7, 17, 18, 19, 38, 42]);
  });
});

describe('order-status table', () => {
  it.each(DOCUMENTED_ORDER_IDS)('knows documented id %i', (id) => {
    expect(normaliseStatusId('order', id).unmapped).toBe(false);
  });

  it.each(Object.entries(ORDER_EXPECTED))('maps %s as §4 says', (id, expected) => {
    expect(normaliseStatusId('order', Number(id)).status).toBe(expected);
  });

  it('holds nothing undocumented', () => {
    expect(ORDER_STATUS_TABLE.map((r) => r.id).sort((a, b) => a - b)).toEqual(DOCUMENTED_ORDER_IDS);
  });
});

describe('two enums', () => {
  it('never reads a bare id in the wrong enum: 18 is in transit as a shipment status but cancellation as an order status', () => {
    expect(normaliseStatusId('shipment', 18).status).toBe('in_transit');
    expect(normaliseStatusId('order', 18).status).toBe('cancelled');
    expect(normaliseCurrentStatus({ shipmentStatusId: 18, orderStatusId: 20 })).toMatchObject({ status: 'in_transit', rawCode: 'shipment:18' });
  });

  it('uses the order enum only as a fallback, still reporting the unknown shipment id', () => {
    expect(normaliseCurrentStatus({ shipmentStatusId: 99, orderStatusId: 36 })).toMatchObject({ status: 'undelivered', rawCode: 'order:36', unmapped: false, unknownCodes: ['shipment:99'] });
    expect(normaliseCurrentStatus({ orderStatusId: '20' })).toMatchObject({ status: 'in_transit', rawCode: 'order:20' });
  });

  it('falls back to the label only when no id is present, in any casing', () => {
    expect(normaliseCurrentStatus({ label: 'PICKED UP' })?.status).toBe('picked_up');
    expect(normaliseCurrentStatus({ label: 'Delivered' })?.status).toBe('delivered');
    expect(normaliseCurrentStatus({ label: 'CANCELED' })?.status).toBe('cancelled');
    expect(normaliseCurrentStatus({ shipmentStatusId: 99, label: 'Delivered' })).toMatchObject({ status: null, unmapped: true });
    expect(normaliseCurrentStatus({})).toBeUndefined();
  });

  it('flags unknown ids as unmapped with their enum named', () => {
    expect(normaliseStatusId('shipment', 99)).toEqual({ status: null, rawCode: 'shipment:99', label: '99', unmapped: true, unknownCodes: ['shipment:99'] });
    expect(normaliseStatusId('order', 99).unknownCodes).toEqual(['order:99']);
  });

  it('is total: any input reads to a Waybill status or null, never throws', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (s, o, l) => {
        const n = normaliseCurrentStatus({ shipmentStatusId: s, orderStatusId: o, label: l });
        return n === undefined || n.status === null || isShipmentStatus(n.status);
      }),
    );
  });
});

describe('scan sr-status', () => {
  const scan = (sr: unknown) => ({ date: '2023-05-19 11:59:16', 'sr-status': sr as string });

  it('reads the string id in the shipment enum', () => {
    expect(scanStatus(scan('42'))).toMatchObject({ status: 'picked_up', unmapped: false });
  });

  it('treats "NA" as informational, not unmapped', () => {
    expect(scanStatus(scan('NA'))).toMatchObject({ status: null, unmapped: false, unknownCodes: [] });
  });

  it('flags unknown ids and junk as unmapped', () => {
    expect(scanStatus(scan('97'))).toMatchObject({ status: null, unmapped: true, unknownCodes: ['shipment:97'] });
    expect(scanStatus(scan('X9'))).toMatchObject({ status: null, unmapped: true });
  });

  it('has no status at all for the older codeless shape', () => {
    expect(scanStatus({ date: '2019-08-01 02:05:05' })).toBeUndefined();
  });
});

describe('NDR reasons from free text', () => {
  it.each([
    ['Customer Asked For Future Delivery', 'future_delivery_requested'],
    ['Pending - Consignee Unavailable', 'consignee_unavailable'],
    ['Customer not available / door locked', 'consignee_unavailable'],
    ['Incomplete address & contact details', 'address_issue'],
    ['Consignee refused to accept', 'refused'],
    ['Payment Mode / Amount Dispute', 'cod_not_ready'],
    ['COD amount not ready', 'cod_not_ready'],
    ['Customer wants open delivery', 'open_delivery_requested'],
    ['Entry restricted, no response', 'restricted_entry'],
    ['Out of delivery area', 'out_of_delivery_area'],
    ['Not attempted due to heavy rain', 'not_attempted'],
    ['OTP not shared by consignee', 'otp_issue'],
    ['Maximum attempts reached, consignee not available', 'max_attempts'],
    ['Shipment held by courier', 'other'],
    ['', 'other'],
  ])('%s → %s', (text, reason) => {
    expect(ndrReasonFromText(text)).toBe(reason);
  });
});
