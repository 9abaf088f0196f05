import { describe, expect, it } from 'vitest';
import { ICARRY_BULK_TRACK_LIMIT } from '../../../src/couriers/icarry';
import { at, fixture, harness, rejection } from './support';

const sync = (entries: Array<Record<string, unknown>>) => JSON.stringify({ success: 'Shipment statuses synced successfully', msg: entries });
const ref = { orderId: 'ORD-1', awb: '345642367564', courierShipmentId: '352' };

describe('track', () => {
  it('asks api_track_shipment and api_shipment_status_sync by shipment id', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), fixture('track.delivered.json'));
    h.on(at('api_shipment_status_sync'), sync([{ shipment_id: '352', status: '21', date_delivered: '2019-08-16T16:02:52.002000', 'date_picked ': '2019-08-13T21:19:36' }]));
    await h.client.track(ref);
    expect(h.sent('api_track_shipment')[0]!.form).toEqual({ shipment_id: '352' });
    expect(h.sent('api_shipment_status_sync')[0]!.form).toEqual({ 'shipment_ids[0]': '352' });
  });

  it('keeps the courier scans for the timeline and takes the status from the sync code', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), fixture('track.delivered.json'));
    h.on(at('api_shipment_status_sync'), sync([{ shipment_id: '352', status: '21', date_delivered: '2019-08-16T16:02:52.002000', 'date_picked ': '2019-08-13T21:19:36' }]));
    const result = await h.client.track(ref);
    expect(result).toEqual({
      kind: 'tracked',
      awb: '345642367564',
      status: 'delivered',
      events: [
        expect.objectContaining({ status: null, rawCode: 'scan', description: 'Consignment Manifested', location: 'Bengaluru_Bomsndra_PC (Karnataka)', occurredAt: '2019-08-12T08:06:10.268Z' }),
        expect.objectContaining({ status: null, description: 'Shipment Picked Up from Client Location', occurredAt: '2019-08-13T15:49:36.000Z' }),
        expect.objectContaining({ key: 'icarry:345642367564:status:21', status: 'delivered', rawCode: '21', rawLabel: 'Delivered', occurredAt: '2019-08-16T10:32:52.002Z' }),
      ],
    });
    expect(result.kind === 'tracked' && result.events[0]!.key).toMatch(/^icarry:345642367564:scan:2019-08-12T08:06:10:[0-9a-f]{8}$/);
  });

  it('a shipment cancelled before pickup reads "Manifested" in the free text; the code says cancelled', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), fixture('track.cancelled-before-pickup.json'));
    h.on(at('api_shipment_status_sync'), sync([{ shipment_id: '352', status: '7', date_delivered: '', 'date_picked ': '' }]));
    const result = await h.client.track(ref);
    expect(result).toMatchObject({ kind: 'tracked', status: 'cancelled' });
    expect(result.kind === 'tracked' && result.events.map((e) => e.description)).toContain('Seller cancelled the order');
    expect(result.kind === 'tracked' && result.events.find((e) => e.description === 'Seller cancelled the order')?.occurredAt).toBe('2019-08-12T09:32:11.000Z');
  });

  it('the same scans give the same keys on every poll', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), fixture('track.delivered.json'), 2);
    h.on(at('api_shipment_status_sync'), sync([{ shipment_id: '352', status: '22' }]), 2);
    const one = await h.client.track(ref);
    h.clock.advance(30 * 60_000);
    const two = await h.client.track(ref);
    const keys = (r: typeof one) => (r.kind === 'tracked' ? r.events.map((e) => e.key).sort() : []);
    expect(keys(two)).toEqual(keys(one));
  });

  it('known to iCarry but with no scan and no status yet → not_yet', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), '{"success":1,"status":"","details":[]}');
    h.on(at('api_shipment_status_sync'), sync([]));
    await expect(h.client.track(ref)).resolves.toEqual({ kind: 'not_yet', awb: '345642367564' });
  });

  it('an unknown code leaves the status null, marks the event unmapped and counts it', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), '{"success":1,"details":[]}');
    h.on(at('api_shipment_status_sync'), sync([{ shipment_id: '352', status: '99' }]));
    const result = await h.client.track(ref);
    expect(result).toMatchObject({ kind: 'tracked', status: null, events: [{ key: 'icarry:345642367564:status:99', status: null, unmapped: true, rawCode: '99' }] });
    expect(h.unmapped).toEqual(['99']);
  });

  it('needs the iCarry shipment id: there is no lookup by AWB', async () => {
    const h = harness();
    const e = await rejection(h.client.track({ orderId: 'ORD-1', awb: '345642367564' }));
    expect(e).toMatchObject({ kind: 'permanent', code: 'invalid_request' });
    expect(h.attempts('api_login')).toBe(0);
  });

  it('"Shipment id not found." is permanent not_found', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), fixture('cancel.not-found.json'));
    h.on(at('api_shipment_status_sync'), sync([]));
    await expect(h.client.track(ref)).rejects.toMatchObject({ kind: 'permanent', code: 'not_found' });
  });

  it('a reply with a PHP warning in front still parses', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), `<br />\n<b>Warning</b>:  Invalid argument supplied for foreach() in <b>/home/icarry/x.php</b> on line <b>9</b><br />\n${fixture('track.delivered.json')}`);
    h.on(at('api_shipment_status_sync'), `<b>Notice</b>: Undefined offset: 1\n${sync([{ shipment_id: '352', status: 21 }])}`);
    await expect(h.client.track(ref)).resolves.toMatchObject({ kind: 'tracked', status: 'delivered' });
  });

  it('a warning that itself holds brackets before the JSON still parses', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), `<b>Notice</b>:  Undefined offset: [1] in <b>/home/icarry/x.php</b>\nArray\n(\n    [0] => {oops}\n)\n${fixture('track.delivered.json')}`);
    h.on(at('api_shipment_status_sync'), sync([{ shipment_id: '352', status: '21' }]));
    await expect(h.client.track(ref)).resolves.toMatchObject({ kind: 'tracked', status: 'delivered' });
  });

  it('a reply with no JSON at all is transient bad_response', async () => {
    const h = harness();
    h.login();
    h.on(at('api_track_shipment'), '<b>Fatal error</b>: Allowed memory size exhausted');
    h.on(at('api_shipment_status_sync'), sync([]));
    await expect(h.client.track(ref)).rejects.toMatchObject({ kind: 'transient', code: 'bad_response' });
  });
});

describe('trackMany', () => {
  const refs = [
    { orderId: 'A', awb: 'AWB10', courierShipmentId: '10' },
    { orderId: 'B', awb: 'AWB11', courierShipmentId: '11' },
    { orderId: 'C', awb: 'AWB45', courierShipmentId: '45' },
  ];

  it('one status sync for all, mapped back to AWBs, "date_picked " (sic) read', async () => {
    const h = harness();
    h.login();
    h.clock.set(Date.UTC(2019, 5, 10, 6, 0));
    h.on(at('api_shipment_status_sync'), fixture('sync.success.json'));
    const result = await h.client.trackMany(refs);
    expect(h.sent('api_shipment_status_sync')[0]!.form).toEqual({ 'shipment_ids[0]': '10', 'shipment_ids[1]': '11', 'shipment_ids[2]': '45' });
    expect(result).toEqual({
      AWB10: { kind: 'tracked', awb: 'AWB10', status: 'picked_up', events: [expect.objectContaining({ key: 'icarry:AWB10:status:3', occurredAt: '2019-06-06T15:45:31.780Z' })] },
      AWB11: { kind: 'tracked', awb: 'AWB11', status: 'delivered', events: [expect.objectContaining({ key: 'icarry:AWB11:status:21', occurredAt: '2019-06-09T15:45:31.780Z' })] },
      AWB45: { kind: 'tracked', awb: 'AWB45', status: 'pickup_scheduled', events: [expect.objectContaining({ key: 'icarry:AWB45:status:1', occurredAt: '2019-06-10T06:00:00.000Z' })] },
    });
  });

  it('codes arrive as strings or integers, and a fixed "date_picked" spelling is read too', async () => {
    const h = harness();
    h.login();
    h.on(at('api_shipment_status_sync'), sync([{ shipment_id: 10, status: 3, date_picked: '2019-06-06 21:15:31' }, { shipment_id: '11', status: ' 26 ' }]));
    const result = await h.client.trackMany(refs);
    expect(result.AWB10).toMatchObject({ status: 'picked_up', events: [{ key: 'icarry:AWB10:status:3', occurredAt: '2019-06-06T15:45:31.000Z' }] });
    expect(result.AWB11).toMatchObject({ status: 'out_for_delivery', events: [{ key: 'icarry:AWB11:status:26' }] });
    expect(result.AWB45).toBeUndefined();
  });

  it('refs without a shipment id, ids iCarry omits and ids nobody asked for are absent', async () => {
    const h = harness();
    h.login();
    h.on(at('api_shipment_status_sync'), sync([{ shipment_id: '10', status: '22' }, { shipment_id: '999', status: '21' }, { shipment_id: '11', status: 'x' }]));
    const result = await h.client.trackMany([...refs, { orderId: 'D', awb: 'AWB-NO-ID' }]);
    expect(Object.keys(result)).toEqual(['AWB10']);
    expect(h.sent('api_shipment_status_sync')[0]!.form).not.toHaveProperty('shipment_ids[3]');
  });

  it(`allows at most ${ICARRY_BULK_TRACK_LIMIT} refs per call, as capabilities say`, async () => {
    const h = harness();
    expect(h.client.capabilities.bulkTrackLimit).toBe(ICARRY_BULK_TRACK_LIMIT);
    const many = Array.from({ length: ICARRY_BULK_TRACK_LIMIT + 1 }, (_, i) => ({ orderId: `O${i}`, awb: `A${i}`, courierShipmentId: String(i + 1) }));
    await expect(h.client.trackMany(many)).rejects.toMatchObject({ kind: 'permanent', code: 'invalid_request' });
    expect(h.attempts('api_shipment_status_sync')).toBe(0);
  });

  it('asks nothing when no ref has a shipment id', async () => {
    const h = harness();
    await expect(h.client.trackMany([{ orderId: 'D', awb: 'X' }])).resolves.toEqual({});
    expect(h.attempts('api_login')).toBe(0);
  });
});
