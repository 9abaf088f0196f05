import { describe, expect, it } from 'vitest';
import { isShipmentStatus, NDR_REASONS } from '../../../src/domain/status';
import { ndrEvent, statusEvent } from '../../../src/couriers/icarry/events';
import { ICARRY_NDR_TYPES, ICARRY_STATUS_CODES, normaliseStatusCode } from '../../../src/couriers/icarry/status-map';
import { ICARRY_STATE_CODES, icarryStateCode } from '../../../src/couriers/icarry/state-codes';

// IC-PDF's table (couriers.md §3.5) and the expected Waybill status (§4, with the choices in status-map.ts).
const DOCUMENTED_CODES: Array<[number, string, string]> = [
  [1, 'Pending Pickup', 'pickup_scheduled'],
  [2, 'Processing', 'booked'],
  [3, 'Shipped', 'picked_up'],
  [7, 'Canceled', 'cancelled'],
  [12, 'Damaged', 'damaged'],
  [14, 'Lost', 'lost'],
  [16, 'Voided', 'cancelled'],
  [21, 'Delivered', 'delivered'],
  [22, 'In Transit', 'in_transit'],
  [23, 'Returned to Origin', 'rto_delivered'],
  [24, 'Manifested', 'booked'],
  [25, 'Pickup Scheduled', 'pickup_scheduled'],
  [26, 'Out For Delivery', 'out_for_delivery'],
  [27, 'Pending Return', 'rto_initiated'],
];

// IC-PDF's NDR types (couriers.md §3.6), all of them, with the expected outcome.
const DOCUMENTED_NDR_TYPES: Array<[string, string, string | undefined]> = [
  ['REATTEMPT-CONTACT', 'undelivered', 'address_issue'],
  ['REATTEMPT-OUTOFSTN', 'undelivered', 'consignee_unavailable'],
  ['REATTEMPT', 'undelivered', 'not_attempted'],
  ['URGENT-DELIVERY', 'undelivered', 'not_attempted'],
  ['MISROUTE', 'undelivered', 'other'],
  ['DC-ADDRESS', 'undelivered', 'out_of_delivery_area'],
  ['REATTEMPT-RESTRICTED-ENTRY', 'undelivered', 'restricted_entry'],
  ['REATTEMPT-NEW-DATE', 'undelivered', 'future_delivery_requested'],
  ['REATTEMPT-COD-NOT-READY', 'undelivered', 'cod_not_ready'],
  ['REATTEMPT-CUST-REFUSED', 'undelivered', 'refused'],
  ['CONSIGNEE-OPENED-REFUSED', 'undelivered', 'refused'],
  ['OPEN-DELIVERY', 'undelivered', 'open_delivery_requested'],
  ['REATTEMPT-OTP', 'undelivered', 'otp_issue'],
  ['REATTEMPT-DAMAGE', 'undelivered', 'other'],
  ['EWAY-SEND', 'undelivered', 'other'],
  ['FINANCE-EMBARGO', 'undelivered', 'other'],
  ['RTO-MISSING', 'lost', undefined],
  ['RTO-REATTEMPT', 'rto_in_transit', undefined],
  ['RTO-PACKING', 'rto_in_transit', undefined],
  ['RTO-SECURITY', 'rto_in_transit', undefined],
  ['REATTEMPT-RTO-REFUSED', 'rto_in_transit', undefined],
  ['MANUAL-VERIFY', 'undelivered', 'other'],
];

describe('iCarry status codes', () => {
  it.each(DOCUMENTED_CODES)('%i %s → %s, whether it arrives as a string or an integer', (code, label, status) => {
    for (const raw of [code, String(code), ` ${code} `]) {
      const normalised = normaliseStatusCode(raw);
      expect(normalised).toBe(String(code));
      const event = statusEvent('AWB1', normalised!, '2026-01-05T04:30:00.000Z');
      expect(event).toMatchObject({ status, rawCode: String(code), rawLabel: label, key: `icarry:AWB1:status:${code}` });
      expect(event.unmapped).toBeUndefined();
    }
  });

  it('the table holds exactly the documented codes, each to a real status', () => {
    expect(Object.keys(ICARRY_STATUS_CODES).map(Number).sort((a, b) => a - b)).toEqual(DOCUMENTED_CODES.map(([c]) => c));
    for (const { status } of Object.values(ICARRY_STATUS_CODES)) expect(isShipmentStatus(status)).toBe(true);
  });

  it('an unknown code falls back to null and is marked unmapped', () => {
    expect(statusEvent('AWB1', '99', '2026-01-05T04:30:00.000Z')).toMatchObject({ status: null, unmapped: true, rawCode: '99' });
  });

  it('non-numbers are not codes', () => {
    for (const raw of ['', 'Shipped', '3.5', 3.5, null, undefined, {}, '-3']) expect(normaliseStatusCode(raw)).toBeUndefined();
    expect(normaliseStatusCode('03')).toBe('3');
  });
});

describe('iCarry NDR types', () => {
  it.each(DOCUMENTED_NDR_TYPES)('%s → %s / %s', (type, status, reason) => {
    const event = ndrEvent('AWB1', type, '2025-01-23', '2025-01-22T18:30:00.000Z');
    expect(event.status).toBe(status);
    expect(event.ndr?.reason).toBe(reason);
    if (reason) expect(event.ndr).toMatchObject({ rawCode: type, rawText: ICARRY_NDR_TYPES[type]!.text });
    expect(event.unmapped).toBeUndefined();
    expect(event.key).toBe(`icarry:AWB1:ndr:${type}:2025-01-23`);
  });

  it('the table holds exactly the documented types, each reason a real one', () => {
    expect(Object.keys(ICARRY_NDR_TYPES).sort()).toEqual(DOCUMENTED_NDR_TYPES.map(([t]) => t).sort());
    for (const t of Object.values(ICARRY_NDR_TYPES)) if (t.reason) expect(NDR_REASONS).toContain(t.reason);
  });

  it('an unknown type still reports a failed delivery (reason other), marked unmapped', () => {
    expect(ndrEvent('AWB1', 'REATTEMPT-ALIENS', '2025-01-23', '2025-01-22T18:30:00.000Z')).toMatchObject({
      status: 'undelivered',
      unmapped: true,
      ndr: { reason: 'other', rawCode: 'REATTEMPT-ALIENS' },
    });
  });

  it('an unknown return-leg type changes nothing: status null, unmapped, no NDR', () => {
    const event = ndrEvent('AWB1', 'RTO-NEWTHING', '2025-01-23', '2025-01-22T18:30:00.000Z');
    expect(event).toMatchObject({ status: null, unmapped: true });
    expect(event.ndr).toBeUndefined();
  });
});

describe('iCarry state codes', () => {
  it.each([
    ['Maharashtra', 'MA'],
    ['Delhi', 'DE'],
    ['Karnataka', 'KA'],
    ['Tamil Nadu', 'TN'],
    ['Telangana', 'TS'],
    ['Uttar Pradesh', 'UP'],
    ['Gujarat', 'GU'],
    ['Haryana', 'HA'],
    ['West Bengal', 'WB'],
    ['Rajasthan', 'RA'],
    ['Punjab', 'PU'],
    ['Kerala', 'KE'],
    ['Bihar', 'BI'],
    ['Chhattisgarh', 'CG'],
    ['Uttarakhand', 'UK'],
    ['Jharkhand', 'JH'],
    ['Ladakh', 'LA'],
  ])('the appendix: %s → %s', (name, code) => {
    expect(icarryStateCode(name)).toBe(code);
  });

  it('every state and union territory of India has a code, and no two share one', () => {
    const all = [
      'Andhra Pradesh', 'Arunachal Pradesh', 'Assam', 'Bihar', 'Chhattisgarh', 'Goa', 'Gujarat', 'Haryana', 'Himachal Pradesh', 'Jharkhand',
      'Karnataka', 'Kerala', 'Madhya Pradesh', 'Maharashtra', 'Manipur', 'Meghalaya', 'Mizoram', 'Nagaland', 'Odisha', 'Punjab', 'Rajasthan',
      'Sikkim', 'Tamil Nadu', 'Telangana', 'Tripura', 'Uttar Pradesh', 'Uttarakhand', 'West Bengal',
      'Andaman and Nicobar Islands', 'Chandigarh', 'Dadra and Nagar Haveli and Daman and Diu', 'Delhi', 'Jammu and Kashmir', 'Ladakh',
      'Lakshadweep', 'Puducherry',
    ];
    const codes = all.map((n) => icarryStateCode(n));
    expect(codes.every((c) => c !== undefined && /^[A-Z]{2}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBe(all.length);
  });

  it('reads case, spacing, "&" and old names; passes iCarry codes through', () => {
    expect(icarryStateCode('  tamil   nadu ')).toBe('TN');
    expect(icarryStateCode('Jammu & Kashmir')).toBe('JA');
    expect(icarryStateCode('Orissa')).toBe('OR');
    expect(icarryStateCode('Pondicherry')).toBe('PO');
    expect(icarryStateCode('NCT of Delhi')).toBe('DE');
    expect(icarryStateCode('ka')).toBe('KA');
    for (const code of ICARRY_STATE_CODES) expect(icarryStateCode(code)).toBe(code);
  });

  it('the merged UT goes by pincode: Daman and Diu are DM, Dadra and Nagar Haveli DA', () => {
    const merged = 'Dadra and Nagar Haveli and Daman and Diu';
    expect(icarryStateCode(merged, '396210')).toBe('DM');
    expect(icarryStateCode(merged, '362520')).toBe('DM');
    expect(icarryStateCode(merged, '396230')).toBe('DA');
  });

  it('refuses what it does not know instead of guessing (including the doc example\'s "DL")', () => {
    for (const bad of ['Atlantis', '', 'DL', 'Maharashtra State', 'XX']) expect(icarryStateCode(bad)).toBeUndefined();
  });
});
