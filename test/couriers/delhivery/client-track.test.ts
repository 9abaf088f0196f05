// track / trackMany against recorded Delhivery responses (undici MockAgent).
import { describe, expect, it } from 'vitest';
import type { TrackingEvent } from '../../../src/couriers/types';
import { TOKEN, answer, failure, fixture, mockDelhivery } from './helpers';

const TRACK = (q: string) => `/api/v1/packages/json/?${q}`;
const ref = (awb: string) => ({ orderId: 'ORD', awb });

function ev(awb: string, code: string, label: string, status: TrackingEvent['status'], at: string, description: string, location: string): TrackingEvent {
  return { key: `delhivery:${awb}:${code}:${at.slice(0, 19)}`, courier: 'delhivery', awb, status, rawCode: code, rawLabel: label, description, occurredAt: at, location };
}

describe('track: request', () => {
  it('GETs /api/v1/packages/json/?waybill=<awb> with the static token', async () => {
    const m = mockDelhivery();
    const sent = answer(m.pool, { path: TRACK('waybill=26805710004126') }, 200, fixture('track-in-transit.json'));
    await m.client.track(ref('26805710004126'));
    expect(sent[0]).toMatchObject({ method: 'GET', path: '/api/v1/packages/json/?waybill=26805710004126' });
    expect(sent[0]!.headers.authorization).toBe(`Token ${TOKEN}`);
  });
});

describe('track: real captures', () => {
  it('in transit: every scan, IST → UTC, spellings verbatim, the complete result', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=26805710004126') }, 200, fixture('track-in-transit.json'));
    const A = 'Amritsar_VerkaBypss_I (Punjab)';
    const J = 'Jalandhar_QajiMandi_P (Punjab)';
    const awb = '26805710004126';
    await expect(m.client.track(ref(awb))).resolves.toEqual({
      kind: 'tracked',
      awb,
      status: 'in_transit',
      trackingUrl: 'https://www.delhivery.com/track/package/26805710004126',
      expectedDeliveryAt: '2024-09-24T18:29:59.000Z',
      events: [
        ev(awb, 'X-UCI', 'UD/Manifested', 'booked', '2024-09-21T09:01:48.752Z', 'Manifest uploaded', A),
        ev(awb, 'FMPUR-101', 'UD/Manifested', 'pickup_scheduled', '2024-09-21T09:06:53.000Z', 'Pickup scheduled', A),
        ev(awb, 'X-PPOM', 'UD/In Transit', 'picked_up', '2024-09-21T12:40:52.000Z', 'Shipment picked up', A),
        ev(awb, 'S-MAR', 'UD/In Transit', 'in_transit', '2024-09-21T12:41:04.124Z', 'Air-restricted product. Move by surface', A),
        ev(awb, 'X-PIOM', 'UD/In Transit', 'in_transit', '2024-09-21T12:50:25.570Z', 'Shipment Recieved at Origin Center', A),
        ev(awb, 'X-DBL1F', 'UD/In Transit', 'in_transit', '2024-09-21T13:05:35.178Z', 'Added to Bag', A),
        ev(awb, 'X-DLL2F', 'UD/In Transit', 'in_transit', '2024-09-21T23:46:32.215Z', 'Bag Added To Trip', A),
        ev(awb, 'X-ILL2F', 'UD/In Transit', 'in_transit', '2024-09-22T03:45:20.860Z', 'Trip Arrived', J),
        ev(awb, 'X-ILL1F', 'UD/In Transit', 'in_transit', '2024-09-22T03:55:10.124Z', 'Bag Received at Facility', J),
      ],
    });
    expect(m.unmapped).toEqual([]);
    expect(m.observations).toEqual([{ courier: 'delhivery', operation: 'track', httpStatus: 200, outcome: 'ok', durationMs: 0 }]);
  });

  it('delivered after an NDR: the EOD-11 attempt carries its reason, the same-second scans keep their order', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=26805710004060') }, 200, fixture('track-delivered-after-ndr.json'));
    const r = await m.client.track(ref('26805710004060'));
    if (r.kind !== 'tracked') throw new Error('expected tracked');
    expect(r.status).toBe('delivered');
    expect(r.events.map((e) => [e.rawCode, e.status])).toEqual([
      ['X-UCI', 'booked'],
      ['FMPUR-101', 'pickup_scheduled'],
      ['X-PPOM', 'picked_up'],
      ['X-PIOM', 'in_transit'],
      ['X-DWS', 'in_transit'],
      ['X-IBD3F', 'in_transit'],
      ['X-IBD3F', 'in_transit'],
      ['X-DDD3FD', 'out_for_delivery'],
      ['ST-114', 'out_for_delivery'],
      ['EOD-11', 'undelivered'],
      ['EOD-38', 'delivered'],
    ]);
    const ndr = r.events.find((e) => e.rawCode === 'EOD-11')!;
    expect(ndr).toEqual({
      key: 'delhivery:26805710004060:EOD-11:2024-09-20T09:47:44',
      courier: 'delhivery',
      awb: '26805710004060',
      status: 'undelivered',
      rawCode: 'EOD-11',
      rawLabel: 'UD/Pending',
      description: 'Consignee Unavailable',
      location: 'Delhi_DLEIndustrialArea_D (Delhi)',
      occurredAt: '2024-09-20T09:47:44.002Z',
      ndr: { reason: 'consignee_unavailable', rawCode: 'EOD-11', rawText: 'Consignee Unavailable' },
    });
    expect(new Set(r.events.map((e) => e.key)).size).toBe(r.events.length);
  });

  it('RTO: the first RT scan is rto_initiated, the rest of the way back rto_in_transit, then rto_delivered', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=26805710004199') }, 200, fixture('track-rto.json'));
    const r = await m.client.track(ref('26805710004199'));
    if (r.kind !== 'tracked') throw new Error('expected tracked');
    expect(r.status).toBe('rto_delivered');
    expect(r.events.slice(-6).map((e) => [e.rawLabel, e.status, e.ndr?.reason])).toEqual([
      ['UD/Pending', 'undelivered', 'refused'],
      ['RT/In Transit', 'rto_initiated', undefined],
      ['RT/In Transit', 'rto_in_transit', undefined],
      ['RT/Pending', 'rto_in_transit', undefined],
      ['RT/Dispatched', 'rto_in_transit', undefined],
      ['DL/RTO', 'rto_delivered', undefined],
    ]);
  });

  it('RTO without RTOStartedDate falls back to the first RT scan in the history', async () => {
    const m = mockDelhivery();
    const body = fixture<Record<string, any>>('track-rto.json');
    body.ShipmentData[0].Shipment.RTOStartedDate = null;
    answer(m.pool, { path: TRACK('waybill=26805710004199') }, 200, body);
    const r = await m.client.track(ref('26805710004199'));
    if (r.kind !== 'tracked') throw new Error('expected tracked');
    expect(r.events.filter((e) => e.rawLabel.startsWith('RT/')).map((e) => e.status)).toEqual(['rto_initiated', 'rto_in_transit', 'rto_in_transit', 'rto_in_transit']);
  });

  it('scans listed newest first still come back oldest first, with the same RTO phases', async () => {
    const m = mockDelhivery();
    const body = fixture<Record<string, any>>('track-rto.json');
    body.ShipmentData[0].Shipment.RTOStartedDate = null;
    body.ShipmentData[0].Shipment.Scans.reverse();
    answer(m.pool, { path: TRACK('waybill=26805710004199') }, 200, body);
    const r = await m.client.track(ref('26805710004199'));
    if (r.kind !== 'tracked') throw new Error('expected tracked');
    const times = r.events.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort());
    expect(r.events.filter((e) => e.rawLabel.startsWith('RT/')).map((e) => e.status)).toEqual(['rto_initiated', 'rto_in_transit', 'rto_in_transit', 'rto_in_transit']);
  });

  it('manifested, nothing moved yet: tracked with status booked (not not_yet)', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=26805710004130') }, 200, fixture('track-manifested.json'));
    const r = await m.client.track(ref('26805710004130'));
    expect(r).toMatchObject({ kind: 'tracked', status: 'booked' });
  });
});

describe('track: edge shapes', () => {
  it('a Shipment with neither Status nor scans is not_yet', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=111') }, 200, { ShipmentData: [{ Shipment: { AWB: '111', Status: null, Scans: [] } }] });
    await expect(m.client.track(ref('111'))).resolves.toEqual({ kind: 'not_yet', awb: '111' });
  });

  it('without Scans, the Status block is the event (NSL code in Status.StatusCode)', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=111') }, 200, {
      ShipmentData: [{ Shipment: { AWB: 111, Status: { Status: 'Dispatched', StatusType: 'UD', StatusCode: 'X-DDD3FD', StatusDateTime: '2024-09-20T14:10:33.3', StatusLocation: 'X', Instructions: 'Out for delivery' } } }],
    });
    const r = await m.client.track(ref('111'));
    expect(r).toMatchObject({ kind: 'tracked', status: 'out_for_delivery', events: [{ key: 'delhivery:111:X-DDD3FD:2024-09-20T08:40:33', occurredAt: '2024-09-20T08:40:33.300Z' }] });
  });

  it('an unknown StatusType → status null, unmapped, reported once per code', async () => {
    const m = mockDelhivery();
    const body = fixture<Record<string, any>>('track-manifested.json');
    const scan = { ScanDateTime: '2024-05-03T10:00:00', ScanType: 'ZZ', Scan: 'Teleported', StatusDateTime: '2024-05-03T10:00:00', ScannedLocation: 'Mars', StatusCode: 'X-NEW1', Instructions: '?' };
    body.ShipmentData[0].Shipment.Scans.push({ ScanDetail: scan }, { ScanDetail: { ...scan, StatusDateTime: '2024-05-03T11:00:00' } });
    body.ShipmentData[0].Shipment.Status = { Status: 'Teleported', StatusType: 'ZZ', StatusCode: 'X-NEW1', StatusDateTime: '2024-05-03T11:00:00' };
    answer(m.pool, { path: TRACK('waybill=26805710004130') }, 200, body);
    const r = await m.client.track(ref('26805710004130'));
    if (r.kind !== 'tracked') throw new Error('expected tracked');
    expect(r.status).toBeNull();
    expect(r.events.at(-1)).toMatchObject({ status: null, unmapped: true, rawCode: 'X-NEW1', rawLabel: 'ZZ/Teleported' });
    expect(r.events[0]!.unmapped).toBeUndefined();
    expect(m.unmapped).toEqual(['X-NEW1']);
  });

  it('drops a scan whose time cannot be read rather than inventing one', async () => {
    const m = mockDelhivery();
    const body = fixture<Record<string, any>>('track-in-transit.json');
    body.ShipmentData[0].Shipment.Scans[3].ScanDetail.StatusDateTime = 'yesterday';
    body.ShipmentData[0].Shipment.Scans[3].ScanDetail.ScanDateTime = null;
    answer(m.pool, { path: TRACK('waybill=26805710004126') }, 200, body);
    const r = await m.client.track(ref('26805710004126'));
    if (r.kind !== 'tracked') throw new Error('expected tracked');
    expect(r.events.map((e) => e.rawCode)).not.toContain('S-MAR');
    expect(r.events).toHaveLength(8);
  });
});

describe('track: unknown waybill', () => {
  it.each([
    [{ Error: 'Data does not exists for provided Waybill(s)' }],
    [{ error: 'Data does not exists for provided Waybill(s)' }],
    [{ rmk: 'No such waybill or order ID found' }],
    [{ ShipmentData: [], Error: 'No such waybill or order ID found' }],
  ])('%j → permanent not_found', async (body) => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=999') }, 200, body);
    const e = await failure(m.client.track(ref('999')));
    expect([e.kind, e.code]).toEqual(['permanent', 'not_found']);
    expect(m.observations[0]).toMatchObject({ outcome: 'permanent', httpStatus: 200 });
  });

  it('the same text under a 404 is not_found too', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=999') }, 404, { Error: 'Data does not exists for provided Waybill(s)' });
    const e = await failure(m.client.track(ref('999')));
    expect(e.code).toBe('not_found');
  });

  it('a bare 404 is a configuration problem, not an unknown waybill', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=999') }, 404, '<h1>Not Found</h1>', { 'content-type': 'text/html' });
    const e = await failure(m.client.track(ref('999')));
    expect([e.kind, e.code]).toEqual(['permanent', 'invalid_request']);
    expect(e.message).toMatch(/check baseUrl/);
  });

  it('a 200 without ShipmentData and without the unknown-waybill text is a transient bad_response', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=999') }, 200, { message: 'Something odd' });
    const e = await failure(m.client.track(ref('999')));
    expect([e.kind, e.code]).toEqual(['transient', 'bad_response']);
  });
});

describe('trackMany', () => {
  it('one call for up to 50 waybills, literal commas, results keyed by AWB, unknown ones absent', async () => {
    const m = mockDelhivery();
    const a = fixture<Record<string, any>>('track-in-transit.json').ShipmentData[0];
    const b = fixture<Record<string, any>>('track-delivered-after-ndr.json').ShipmentData[0];
    const sent = answer(m.pool, { path: TRACK('waybill=26805710004126,26805710004060,404') }, 200, { ShipmentData: [b, a] });
    const r = await m.client.trackMany([ref('26805710004126'), ref('26805710004060'), ref('404'), ref('26805710004126')]);
    expect(sent).toHaveLength(1);
    expect(Object.keys(r).sort()).toEqual(['26805710004060', '26805710004126']);
    expect(r['26805710004126']).toMatchObject({ kind: 'tracked', status: 'in_transit' });
    expect(r['26805710004060']).toMatchObject({ kind: 'tracked', status: 'delivered' });
    expect(m.observations).toHaveLength(1);
  });

  it('all unknown: an empty result, not an error', async () => {
    const m = mockDelhivery();
    answer(m.pool, { path: TRACK('waybill=1,2') }, 200, { Error: 'Data does not exists for provided Waybill(s)' });
    await expect(m.client.trackMany([ref('1'), ref('2')])).resolves.toEqual({});
  });

  it('refuses more than 50 before calling (Delhivery\'s WAF would 403 it)', async () => {
    const m = mockDelhivery();
    const refs = Array.from({ length: 51 }, (_, i) => ref(String(1000 + i)));
    const e = await failure(m.client.trackMany(refs));
    expect([e.kind, e.code]).toEqual(['permanent', 'invalid_request']);
    expect(m.client.capabilities.bulkTrackLimit).toBe(50);
  });

  it('no refs: no call', async () => {
    const m = mockDelhivery();
    await expect(m.client.trackMany([])).resolves.toEqual({});
    expect(m.observations).toEqual([]);
  });
});
