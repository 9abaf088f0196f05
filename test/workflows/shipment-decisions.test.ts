// The shipment workflow's pure decisions, without a server: when a command is refused (validators and
// the main loop must agree), NDR transitions, and what the projection and search attributes are told.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrackingEvent } from '../../src/domain/events';
import { createStatusMachine, ingest, setBase } from '../../src/domain/state-machine';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../../src/domain/status';
import { recordAnswer, refusal, refusedAnswer, type Command, type CommandKind } from '../../src/workflows/shipment/commands';
import type { BookingState, NdrState, ShipmentInput } from '../../src/workflows/shipment/contract';
import { answerNdr, ndrDeadline, openNdr, repeatedAttempt } from '../../src/workflows/shipment/ndr';
import { initialState, projectionWrite, searchAttributeChange, type ShipmentState } from '../../src/workflows/shipment/state';
import { validate } from '../../src/workflows/shipment/validators';

const AT = '2026-03-02T10:00:00.000Z';
const H = 3_600_000;

const INPUT: ShipmentInput = {
  orderId: 'ORD-1',
  courier: 'delhivery',
  request: {
    orderId: 'ORD-1',
    orderDate: AT,
    consignee: { name: 'Asha Rao', phone: '9876543210', address1: '12 MG Road', city: 'Bengaluru', state: 'Karnataka', pincode: '560001', country: 'IN' },
    items: [{ name: 'Tea 500g', sku: 'TEA-500', quantity: 1, unitPrice: 450 }],
    paymentMethod: 'prepaid',
    codAmount: 0,
    orderValue: 450,
    parcel: { weightGrams: 500, lengthCm: 10, breadthCm: 10, heightCm: 10 },
  },
};

function state(over: { booking?: BookingState; status?: ShipmentStatus; ndrOpen?: boolean } = {}): ShipmentState {
  const s = initialState(INPUT, AT);
  if (over.booking) s.booking = over.booking;
  if (over.status) s.machine = { ...createStatusMachine(over.status), status: over.status };
  if (over.ndrOpen !== undefined) s.ndr = ndr({ open: over.ndrOpen });
  return s;
}

function ndr(over: Partial<NdrState> = {}): NdrState {
  return { open: true, reason: 'consignee_unavailable', rawCode: 'EOD-74', rawText: 'not home', attempts: 1, openedAt: AT, deadlineAt: '2026-03-03T10:00:00.000Z', escalated: false, lastEventKey: 'e1', ...over };
}

const BOOKINGS: BookingState[] = [
  { state: 'pending' },
  { state: 'booked', awb: 'AWB1', courier: 'delhivery', trackingUrl: 'https://t/AWB1', bookedAt: AT },
  { state: 'failed', code: 'unserviceable', message: 'no', retryable: false, failedAt: AT },
  { state: 'cancelled', at: AT },
];

/** A well-formed request of each kind: only the shipment's state can refuse it. */
function command(kind: CommandKind): Command {
  switch (kind) {
    case 'refresh':
      return { kind, id: 'refresh-0' };
    case 'resolveNdr':
      return { kind, id: 'r1', req: { requestId: 'r1', action: { type: 'reattempt' }, by: 'customer' } };
    case 'manual':
      return { kind, id: 'r1', req: { requestId: 'r1', status: 'in_transit', by: 'ops', reason: 'seen at hub' } };
    case 'cancel':
      return { kind, id: 'r1', req: { requestId: 'r1', by: 'admin', reason: 'customer asked' } };
    case 'retryBooking':
      return { kind, id: 'r1', req: { requestId: 'r1' } };
  }
}

function runValidator(s: ShipmentState, cmd: Command): void {
  if (cmd.kind === 'refresh') return validate.refresh(s);
  return (validate[cmd.kind] as (s: ShipmentState, req: unknown) => void)(s, cmd.req);
}

function caught(fn: () => void): unknown {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

const arbState = fc.record({
  booking: fc.constantFrom(...BOOKINGS),
  status: fc.constantFrom(...SHIPMENT_STATUSES),
  ndrOpen: fc.boolean(),
});
const arbKind = fc.constantFrom<CommandKind>('refresh', 'resolveNdr', 'manual', 'cancel', 'retryBooking');

describe('commands', () => {
  it("a validator refuses exactly when the main loop would, in the same words (409, not 422)", () => {
    fc.assert(
      fc.property(arbState, arbKind, (st, kind) => {
        const s = state(st);
        const why = refusal(s, kind);
        const thrown = caught(() => runValidator(s, command(kind)));
        if (why === undefined) expect(thrown).toBeUndefined();
        else {
          expect(thrown).toBeInstanceOf(Error);
          expect((thrown as Error).message).toBe(why);
          expect(thrown).not.toHaveProperty('type', 'InvalidRequest');
        }
      }),
    );
  });

  it('a request already answered is accepted whatever the state (its answer is replayed)', () => {
    fc.assert(
      fc.property(arbState, fc.constantFrom<CommandKind>('resolveNdr', 'manual', 'cancel', 'retryBooking'), (st, kind) => {
        const s = state(st);
        recordAnswer(s, 'r1', { any: 'answer' });
        expect(() => runValidator(s, command(kind))).not.toThrow();
      }),
    );
  });

  it('refuses a cancel after pickup and a retry of a booking that did not fail, with answers in the update’s shape', () => {
    const booked = BOOKINGS[1]!;
    const s = state({ booking: booked, status: 'in_transit' });
    expect(refusal(s, 'cancel')).toBe('the parcel has been picked up: ask for a return to origin instead');
    expect(refusedAnswer(s, 'cancel', refusal(s, 'cancel')!)).toEqual({ cancelled: false, status: 'in_transit', message: 'the parcel has been picked up: ask for a return to origin instead' });
    expect(refusal(s, 'retryBooking')).toBe('booking is booked, not failed');
    expect(refusedAnswer(s, 'retryBooking', 'x')).toEqual({ ok: true, awb: 'AWB1', courier: 'delhivery', trackingUrl: 'https://t/AWB1' });
    expect(refusal(state({ booking: booked, status: 'delivered' }), 'manual')).toBe('shipment is already delivered');
    expect(refusedAnswer(state({ booking: booked, status: 'undelivered', ndrOpen: false }), 'resolveNdr', 'no open NDR')).toEqual({ accepted: false, sentToCourier: false, status: 'undelivered', message: 'no open NDR' });
  });

  it('keeps the last 50 answers', () => {
    const s = state();
    for (let i = 0; i < 60; i++) recordAnswer(s, `r${i}`, i);
    expect(s.results).toHaveLength(50);
    expect(s.results[0]).toEqual({ requestId: 'r10', result: 10 });
  });
});

describe('NDR transitions', () => {
  const cause = (attempt?: number): TrackingEvent =>
    ({ key: 'e2', status: 'undelivered', rawCode: 'EOD-11', rawLabel: 'Undelivered', description: 'door locked', occurredAt: AT, ...(attempt ? { ndr: { reason: 'consignee_unavailable', rawCode: 'EOD-11', rawText: 'door locked', attempt } } : {}) }) as TrackingEvent;

  it('counts attempts, opens a response window and escalates at once when the courier has no NDR API', () => {
    const now = Date.parse(AT);
    const first = openNdr(undefined, cause(), { nowMs: now, responseHours: 24, capabilities: { ndrActions: true, cancel: true, bulkTrackLimit: 50 } });
    expect(first.ndr).toMatchObject({ open: true, attempts: 1, escalated: false, deadlineAt: new Date(now + 24 * H).toISOString(), lastEventKey: 'e2', rawText: 'door locked' });
    expect(first.note).toEqual({ key: 'ndr:e2', text: 'Delivery failed (attempt 1): other — door locked' });
    // The courier's own attempt number wins when it is ahead of the count.
    expect(openNdr(first.ndr, cause(4), { nowMs: now, responseHours: 24, capabilities: undefined }).ndr.attempts).toBe(4);
    const noApi = openNdr(undefined, cause(), { nowMs: now, responseHours: 24, capabilities: { ndrActions: false, cancel: false, bulkTrackLimit: 1 } });
    expect(noApi.ndr).toMatchObject({ escalated: true, escalationReason: 'courier has no NDR API' });
    expect(ndrDeadline(noApi.ndr)).toBeUndefined();
  });

  it('waits on a deadline only while open, unanswered and not escalated', () => {
    expect(ndrDeadline(ndr())).toBe(Date.parse('2026-03-03T10:00:00.000Z'));
    expect(ndrDeadline(ndr({ open: false }))).toBeUndefined();
    expect(ndrDeadline(ndr({ escalated: true }))).toBeUndefined();
    const answered = answerNdr(ndr(), ndr(), { action: { type: 'reattempt' }, by: 'customer', at: AT, courier: 'delhivery' }, { kind: 'sent', accepted: true, reference: 'R9' });
    expect(answered.ndr.resolution).toEqual({ action: { type: 'reattempt' }, by: 'customer', at: AT, sentToCourier: true, courierReference: 'R9' });
    expect(answered.note).toEqual({ key: 'ndr-response:1:customer', text: 'NDR response from customer: reattempt, sent to delhivery (ref R9).' });
    expect(ndrDeadline(answered.ndr)).toBeUndefined();
  });

  it('takes a newer failed attempt while still undelivered as a new NDR, never an older one', () => {
    const scan = (key: string, hour: number): TrackingEvent => ({ key, status: 'undelivered', rawCode: 'EOD', rawLabel: 'Undelivered', description: '', occurredAt: new Date(Date.parse(AT) + hour * H).toISOString() }) as TrackingEvent;
    const opened = ingest(setBase(createStatusMachine(), 'booked', AT).machine, [scan('e1', 0)], 'webhook', AT).machine;
    const open = ndr({ lastEventKey: 'e1' });
    const newer = ingest(opened, [scan('e2', 5)], 'webhook', AT);
    expect(newer.transitions).toEqual([]);
    expect(repeatedAttempt(open, newer, newer.machine)).toBe('e2');
    const older = ingest(opened, [scan('e0', -5)], 'webhook', AT);
    expect(repeatedAttempt(open, older, older.machine)).toBeUndefined();
    expect(repeatedAttempt(ndr({ open: false }), newer, newer.machine)).toBeUndefined();
  });
});

describe('what the projection and search attributes are told', () => {
  it('upserts search attributes only when a value changed, and never unsets the AWB', () => {
    const s = state();
    const first = searchAttributeChange(s);
    expect(first?.pairs.map((p) => p.key.name)).toEqual(['OrderId', 'Courier', 'ShipmentStatus', 'NdrOpen']);
    s.searchAttributes = first!.json;
    expect(searchAttributeChange(s)).toBeUndefined();
    s.booking = BOOKINGS[1]!;
    s.machine = setBase(s.machine, 'booked', AT).machine;
    const booked = searchAttributeChange(s);
    expect(booked?.pairs.map((p) => [p.key.name, p.value])).toEqual([
      ['ShipmentStatus', 'booked'],
      ['Awb', 'AWB1'],
    ]);
    s.searchAttributes = booked!.json;
    s.booking = { state: 'cancelled', at: AT };
    expect(searchAttributeChange(s)?.pairs.map((p) => p.key.name)).toEqual([]);
  });

  it('writes order-status history only for transitions the order can see, and only once', () => {
    const s = state({ booking: BOOKINGS[1]! });
    const ev = (key: string, status: ShipmentStatus, hour: number): TrackingEvent => ({ key, status, rawCode: status, rawLabel: status, description: '', occurredAt: new Date(Date.parse(AT) + hour * H).toISOString() }) as TrackingEvent;
    s.machine = setBase(s.machine, 'booked', AT).machine;
    s.machine = ingest(s.machine, [ev('a', 'picked_up', 1)], 'webhook', AT).machine;
    s.machine = ingest(s.machine, [ev('b', 'out_for_delivery', 2)], 'webhook', AT).machine;
    s.projection.pendingEventKeys = ['b'];
    const write = projectionWrite(s, 1, AT);
    // pending → booked (processing → shipped) and in transit → out for delivery; picked up stays "shipped".
    expect(write.orderStatus.map((o) => [o.key, o.status])).toEqual([
      ['ORD-1:t0', 'shipped'],
      ['ORD-1:t2', 'out_for_delivery'],
    ]);
    expect(write.events.map((e) => e.key)).toEqual(['b']);
    expect(write.awb).toEqual({ courier: 'delhivery', awb: 'AWB1' });
    s.projection.transitionsWritten = s.machine.transitions.length;
    expect(projectionWrite(s, 2, AT).orderStatus).toEqual([]);
  });
});
