// track and trackMany against recorded payloads (couriers.md §1.8).
import { afterEach, describe, expect, it } from 'vitest';
import { BASE, fixture, harness, JSON_HEADERS, rejection, TOKEN, type Harness } from './helpers';

let h: Harness;
afterEach(async () => {
  await h.agent.close();
});

const AWB = '141123221084922';
const ref = (awb = AWB) => ({ orderId: 'WB-1001', awb });

describe('track', () => {
  it('sends GET /courier/track/awb/{awb} with the bearer token and returns every scan oldest-first', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/courier/track/awb/${AWB}`, method: 'GET' }).reply(200, fixture('track-awb-delivered') as object, JSON_HEADERS);

    const result = await h.client.track(ref());

    const [, call] = h.calls();
    expect(call).toMatchObject({ method: 'GET', path: `${BASE}/courier/track/awb/${AWB}`, body: undefined });
    expect(call!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // Scan times are IST wall-clock; events carry UTC (09:51 IST = 04:21Z).
    const e = (rawCode: string, status: string | null, rawLabel: string, description: string, location: string, utc: string) => ({
      key: `shiprocket:${AWB}:${rawCode}:${utc.slice(0, 19)}`,
      courier: 'shiprocket',
      awb: AWB,
      status,
      rawCode,
      rawLabel,
      description,
      location,
      occurredAt: utc,
    });
    expect(result).toEqual({
      kind: 'tracked',
      awb: AWB,
      status: 'delivered',
      trackingUrl: `https://shiprocket.co/tracking/${AWB}`,
      expectedDeliveryAt: '2022-07-20T13:58:00.000Z',
      events: [
        e('DRC', null, 'NA', 'Pending Manifest Data Received', 'Bangalore, KARNATAKA', '2022-07-18T04:21:00.000Z'),
        e('OFP', 'pickup_scheduled', 'OUT FOR PICKUP', 'Out for Pickup', 'Bangalore, KARNATAKA', '2022-07-18T04:34:00.000Z'),
        e('PUD', 'picked_up', 'PICKED UP', 'PickDone', 'Bangalore, KARNATAKA', '2022-07-18T08:20:00.000Z'),
        e('PKD', 'in_transit', 'SHIPPED', 'Picked Shipment InScan from Manifest', 'Bangalore Hub, KARNATAKA', '2022-07-18T14:58:00.000Z'),
        e('IT', 'in_transit', 'IN TRANSIT', 'InTransit', 'Bangalore Hub, KARNATAKA', '2022-07-18T15:32:00.000Z'),
        e('RAD', 'in_transit', 'REACHED AT DESTINATION HUB', 'Reached at Destination', 'MADANPALLI, Madanapalli, ANDHRA PRADESH', '2022-07-19T02:03:00.000Z'),
        e('OFD', 'out_for_delivery', 'OUT FOR DELIVERY', 'Out for Delivery', 'MADANPALLI, Madanapalli, ANDHRA PRADESH', '2022-07-19T03:27:00.000Z'),
        e('DLVD', 'delivered', 'DELIVERED', 'Delivered', 'MADANPALLI, Madanapalli, ANDHRA PRADESH', '2022-07-19T06:07:00.000Z'),
      ],
    });
    expect(h.observations).toEqual([{ courier: 'shiprocket', operation: 'track', httpStatus: 200, outcome: 'ok', durationMs: 0 }]);
    expect(h.unmapped).toEqual([]);
  });

  it('answers not_yet for track_status 0 under HTTP 200: a normal answer, not an error', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/courier/track/awb/${AWB}`, method: 'GET' }).reply(200, fixture('track-not-yet') as object, JSON_HEADERS);
    expect(await h.client.track(ref())).toEqual({ kind: 'not_yet', awb: AWB });
    expect(h.observations[0]).toMatchObject({ outcome: 'ok' });
  });

  it('classifies an unknown AWB (404) as permanent not_found', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/courier/track/awb/${AWB}`, method: 'GET' }).reply(404, fixture('not-found-404') as object, JSON_HEADERS);
    const err = await rejection(h.client.track(ref()));
    expect(err).toMatchObject({ courier: 'shiprocket', operation: 'track', kind: 'permanent', code: 'not_found', details: { httpStatus: 404, courierMessage: '404 Not Found' } });
    expect(h.observations).toEqual([{ courier: 'shiprocket', operation: 'track', httpStatus: 404, outcome: 'permanent', durationMs: 0 }]);
  });

  it('flags and reports unknown status ids, keeping NA scans informational', async () => {
    h = harness();
    h.login();
    const payload = fixture('track-awb-delivered') as { tracking_data: { shipment_status: unknown; shipment_track_activities: Array<Record<string, unknown>> } };
    payload.tracking_data.shipment_status = 99;
    payload.tracking_data.shipment_track_activities[0] = { ...payload.tracking_data.shipment_track_activities[0], 'sr-status': '98', 'sr-status-label': 'SOMETHING NEW' };
    h.pool.intercept({ path: `${BASE}/courier/track/awb/${AWB}`, method: 'GET' }).reply(200, payload, JSON_HEADERS);

    const result = await h.client.track(ref());
    if (result.kind !== 'tracked') throw new Error('expected tracked');
    expect(result.status).toBeNull();
    const newest = result.events.filter((e) => e.rawCode === 'DLVD')[0]!;
    expect(newest).toMatchObject({ status: null, unmapped: true, rawLabel: 'SOMETHING NEW' });
    expect(result.events.find((e) => e.rawCode === 'DRC')).not.toHaveProperty('unmapped');
    // The current status 99 is no scan's: it becomes its own (unmapped) event.
    expect(result.events.at(-1)).toMatchObject({ rawCode: '99', status: null, unmapped: true });
    // Reported once each, naming the enum; the familiar label does not hide the unknown id.
    expect(h.unmapped.sort()).toEqual(['shipment:98', 'shipment:99']);
  });

  it('falls back to the known tracking link when track_url is malformed', async () => {
    h = harness();
    h.login();
    const payload = fixture('track-awb-delivered') as { tracking_data: Record<string, unknown> };
    payload.tracking_data.track_url = 'https://';
    h.pool.intercept({ path: `${BASE}/courier/track/awb/${AWB}`, method: 'GET' }).reply(200, payload, JSON_HEADERS);
    expect(await h.client.track(ref())).toMatchObject({ kind: 'tracked', trackingUrl: `https://shiprocket.co/tracking/${AWB}` });
  });
});

describe('trackMany', () => {
  it('POSTs the AWBs and maps each entry of the response keyed by AWB, older shape included', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/courier/track/awbs`, method: 'POST' }).reply(200, fixture('track-awbs-bulk') as object, JSON_HEADERS);

    const results = await h.client.trackMany([ref('788829354408'), ref('788830567028'), ref('788829354408'), ref('100000000001')]);

    expect(h.calls()[1]).toMatchObject({ method: 'POST', path: `${BASE}/courier/track/awbs`, body: { awbs: ['788829354408', '788830567028', '100000000001'] } });
    expect(results).toEqual({
      '788829354408': {
        kind: 'tracked',
        awb: '788829354408',
        status: 'booked',
        trackingUrl: 'https://app.shiprocket.in/tracking/awb/788829354408',
        events: [
          {
            key: 'shiprocket:788829354408:Shipment information sent to FedEx - OC:2019-07-31T20:35:05',
            courier: 'shiprocket',
            awb: '788829354408',
            status: null,
            rawCode: 'Shipment information sent to FedEx - OC',
            rawLabel: '',
            description: 'Shipment information sent to FedEx - OC',
            occurredAt: '2019-07-31T20:35:05.000Z',
          },
          {
            key: 'shiprocket:788829354408:1:2019-07-31T20:35:05',
            courier: 'shiprocket',
            awb: '788829354408',
            status: 'booked',
            rawCode: '1',
            rawLabel: 'AWB Assigned',
            description: 'AWB Assigned',
            occurredAt: '2019-07-31T20:35:05.000Z',
          },
        ],
      },
      '788830567028': { kind: 'not_yet', awb: '788830567028' },
    });
  });

  it('makes no call for no refs, and refuses more than 50 before calling', async () => {
    h = harness();
    expect(await h.client.trackMany([])).toEqual({});
    const refs = Array.from({ length: 51 }, (_, i) => ref(String(100000000000 + i)));
    expect(await rejection(h.client.trackMany(refs))).toMatchObject({ kind: 'permanent', code: 'invalid_request' });
    expect(h.calls()).toEqual([]);
    expect(h.client.capabilities.bulkTrackLimit).toBe(50);
  });

  it('takes PHP’s empty array as "nothing known"', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/courier/track/awbs`, method: 'POST' }).reply(200, [], JSON_HEADERS);
    expect(await h.client.trackMany([ref()])).toEqual({});
  });

  it('classifies the PHP foreach warning (500) as transient', async () => {
    h = harness();
    h.login();
    h.pool.intercept({ path: `${BASE}/courier/track/awbs`, method: 'POST' }).reply(500, fixture('php-foreach-500') as object, JSON_HEADERS);
    const err = await rejection(h.client.trackMany([ref()]));
    expect(err).toMatchObject({ kind: 'transient', code: 'server_error', details: { httpStatus: 500, courierMessage: 'Invalid argument supplied for foreach()' } });
  });
});
