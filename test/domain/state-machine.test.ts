import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canAdvance,
  createStatusMachine,
  foldStatus,
  ingest,
  setBase,
  setManualStatus,
  type IncomingEvent,
  type StatusMachine,
} from '../../src/domain/state-machine';
import { isTerminal, SHIPMENT_STATUSES, STATUS_RANK, type ShipmentStatus } from '../../src/domain/status';

const T0 = Date.parse('2026-03-01T04:00:00Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const ev = (key: string, status: ShipmentStatus | null, minutes: number): IncomingEvent => ({
  key,
  status,
  occurredAt: iso(minutes),
  rawCode: status ?? 'NA',
  rawLabel: status ?? 'info',
  description: `${status ?? 'info'} scan`,
});
const booked = () => setBase(createStatusMachine(), 'booked', iso(0)).machine;
const feed = (m: StatusMachine, batches: IncomingEvent[][]) => batches.reduce((acc, b) => ingest(acc, b, 'webhook', iso(10_000)).machine, m);

describe('transition rule', () => {
  it('moves forward, refuses regressions, lets peers and the last mile loop', () => {
    expect(canAdvance('booked', 'in_transit')).toBe(true);
    expect(canAdvance('in_transit', 'picked_up')).toBe(false);
    expect(canAdvance('pickup_failed', 'pickup_scheduled')).toBe(true);
    expect(canAdvance('undelivered', 'out_for_delivery')).toBe(true);
    expect(canAdvance('out_for_delivery', 'in_transit')).toBe(true);
    expect(canAdvance('rto_initiated', 'out_for_delivery')).toBe(false);
    expect(canAdvance('rto_in_transit', 'rto_initiated')).toBe(false);
    expect(canAdvance('delivered', 'rto_initiated')).toBe(false);
    expect(canAdvance('in_transit', null)).toBe(false);
    expect(canAdvance('picked_up', 'lost')).toBe(true);
  });
});

describe('ingest', () => {
  it('orders by courier time, not arrival, and keeps stale events unapplied', () => {
    let m = booked();
    m = ingest(m, [ev('e3', 'out_for_delivery', 300)], 'webhook', iso(301)).machine;
    const late = ingest(m, [ev('e1', 'picked_up', 100), ev('e2', 'in_transit', 200)], 'poll', iso(400));
    expect(late.machine.status).toBe('out_for_delivery');
    expect(late.transitions).toEqual([]);
    expect(late.machine.events.map((e) => e.key)).toEqual(['e1', 'e2', 'e3']);
    // In courier time the late scans came first, so they did move the shipment at their time.
    expect(late.machine.events.map((e) => e.applied)).toEqual([true, true, true]);
    const stale = ingest(late.machine, [ev('e0', 'picked_up', 350)], 'poll', iso(401));
    expect(stale.machine.status).toBe('out_for_delivery');
    expect(stale.added[0]?.applied).toBe(false);
  });

  it('ignores duplicates by key, within a batch and across batches, and returns the same machine', () => {
    const m = ingest(booked(), [ev('a', 'picked_up', 1), ev('a', 'picked_up', 1)], 'webhook', iso(2));
    expect(m.added).toHaveLength(1);
    const again = ingest(m.machine, [ev('a', 'picked_up', 1)], 'poll', iso(3));
    expect(again.machine).toBe(m.machine);
    expect(again.added).toHaveLength(0);
  });

  it('records each status change with its source and courier time', () => {
    const r = ingest(booked(), [ev('a', 'picked_up', 5)], 'poll', iso(9));
    expect(r.transitions).toEqual([{ from: 'booked', to: 'picked_up', source: 'poll', at: iso(5), recordedAt: iso(9), eventKey: 'a' }]);
  });

  it('records every step of a batch that happened after the last recorded one (a second failed attempt)', () => {
    let m = ingest(booked(), [ev('o1', 'out_for_delivery', 10), ev('u1', 'undelivered', 12)], 'webhook', iso(13)).machine;
    const r = ingest(m, [ev('u2', 'undelivered', 40), ev('o2', 'out_for_delivery', 36)], 'poll', iso(41));
    m = r.machine;
    expect(r.transitions.map((t) => `${t.from}>${t.to}@${t.eventKey}`)).toEqual(['undelivered>out_for_delivery@o2', 'out_for_delivery>undelivered@u2']);
    // A late scan that only rewrites the past is recorded as the net change it causes, if any.
    const late = ingest(m, [ev('d0', 'delivered', 20)], 'poll', iso(42));
    expect(late.transitions.map((t) => `${t.from}>${t.to}@${t.eventKey}`)).toEqual(['undelivered>delivered@d0']);
  });

  it('keeps a terminal status even when an earlier different terminal scan arrives later', () => {
    let m = ingest(booked(), [ev('d', 'delivered', 50)], 'webhook', iso(51)).machine;
    m = ingest(m, [ev('l', 'lost', 40)], 'poll', iso(52)).machine;
    expect(m.status).toBe('delivered');
    expect(m.derived).toBe('lost');
  });

  it('informational scans never change the status', () => {
    const r = ingest(booked(), [ev('i', null, 5)], 'webhook', iso(6));
    expect(r.machine.status).toBe('booked');
    expect(r.added[0]?.applied).toBe(false);
  });
});

describe('manual status', () => {
  it('holds against courier updates that are not strictly ahead, yields to ones that are', () => {
    let m = ingest(booked(), [ev('a', 'in_transit', 10)], 'webhook', iso(11)).machine;
    const set = setManualStatus(m, { status: 'out_for_delivery', by: 'admin@store', reason: 'called the hub', at: iso(12) });
    if (!set.ok) throw new Error(set.reason);
    m = set.result.machine;
    expect(set.result.transitions[0]?.source).toBe('manual');
    m = ingest(m, [ev('b', 'undelivered', 20)], 'webhook', iso(21)).machine;
    expect(m.status).toBe('out_for_delivery');
    m = ingest(m, [ev('c', 'delivered', 30)], 'webhook', iso(31)).machine;
    expect(m.status).toBe('delivered');
  });

  it('is refused once the shipment is final', () => {
    const m = ingest(booked(), [ev('d', 'delivered', 10)], 'webhook', iso(11)).machine;
    const r = setManualStatus(m, { status: 'in_transit', by: 'a', reason: 'r', at: iso(12) });
    expect(r.ok).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// Property tests over realistic journeys.

const forwardStart: ShipmentStatus[][] = [['pickup_scheduled', 'picked_up'], ['pickup_scheduled', 'pickup_failed', 'pickup_scheduled', 'picked_up'], ['picked_up']];
const ending: ShipmentStatus[][] = [['delivered'], ['rto_initiated', 'rto_in_transit', 'rto_delivered'], ['lost'], ['damaged'], ['rto_initiated', 'rto_in_transit'], []];

/** A journey as the courier would scan it, in courier time, with informational scans mixed in. */
const journey = fc
  .record({
    start: fc.constantFrom(...forwardStart),
    transitScans: fc.integer({ min: 1, max: 4 }),
    attempts: fc.integer({ min: 0, max: 3 }),
    reachOfd: fc.boolean(),
    end: fc.constantFrom(...ending),
    infoAt: fc.array(fc.nat({ max: 20 }), { maxLength: 3 }),
    tieEvery: fc.integer({ min: 2, max: 6 }),
  })
  .map(({ start, transitScans, attempts, reachOfd, end, infoAt, tieEvery }) => {
    const statuses: Array<ShipmentStatus | null> = [...start, ...Array<ShipmentStatus>(transitScans).fill('in_transit')];
    for (let i = 0; i < attempts; i++) statuses.push('out_for_delivery', 'undelivered');
    if (reachOfd) statuses.push('out_for_delivery');
    statuses.push(...end);
    for (const p of infoAt) statuses.splice(Math.min(p, statuses.length), 0, null);
    // Some scans share a timestamp (batch uploads at a hub): the key breaks the tie.
    let minute = 0;
    return statuses.map((s, i) => {
      if (i % tieEvery !== 0) minute += 17;
      return ev(`k${String(i).padStart(2, '0')}`, s, minute);
    });
  });

/** Any arrival: shuffled, with duplicates, cut into batches. */
const arrival = (events: IncomingEvent[]) =>
  fc
    .tuple(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 30 }))
    .map(([shuffled, dupIdx, sizes]) => {
      const stream = [...shuffled, ...dupIdx.map((i) => events[i] as IncomingEvent)];
      const batches: IncomingEvent[][] = [];
      let at = 0;
      for (let b = 0; at < stream.length; b++) {
        const n = sizes[b % sizes.length] as number;
        batches.push(stream.slice(at, at + n));
        at += n;
      }
      return batches;
    });

const ordered = (events: IncomingEvent[]) => feed(booked(), events.map((e) => [e]));
const statusesAlong = (m0: StatusMachine, batches: IncomingEvent[][]) => {
  const seen: ShipmentStatus[] = [];
  batches.reduce((m, b) => {
    const next = ingest(m, b, 'webhook', iso(10_000)).machine;
    seen.push(next.status);
    return next;
  }, m0);
  return seen;
};

describe('state machine properties', () => {
  it('any duplication, reordering and batching gives the same final state as the ordered stream', () => {
    fc.assert(
      fc.property(
        journey.chain((events) => fc.tuple(fc.constant(events), arrival(events))),
        ([events, batches]) => {
          const want = ordered(events);
          const got = feed(booked(), batches);
          expect(got.status).toBe(want.status);
          expect(got.derived).toBe(want.derived);
          expect(got.events.map((e) => [e.key, e.applied])).toEqual(want.events.map((e) => [e.key, e.applied]));
          // The recorded transitions form one chain from the booking to the reported status.
          const chain = got.transitions;
          chain.forEach((t, i) => expect(t.from).toBe(i === 0 ? 'pending' : chain[i - 1]?.to));
          expect(chain.at(-1)?.to).toBe(got.status);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the ordered stream ends where the journey ends', () => {
    fc.assert(
      fc.property(journey, (events) => {
        const last = [...events].reverse().find((e) => e.status !== null);
        expect(ordered(events).status).toBe(last?.status ?? 'booked');
      }),
      { numRuns: 300 },
    );
  });

  const anyStatus = fc.constantFrom(...SHIPMENT_STATUSES.filter((s) => s !== 'pending'));
  const noise = fc.array(fc.tuple(anyStatus, fc.integer({ min: -50, max: 400 })), { maxLength: 6 });

  it('a delivered shipment never regresses, whatever stale, stray or conflicting scans follow', () => {
    fc.assert(
      fc.property(journey, noise, fc.integer({ min: 0, max: 1000 }), (events, extra, seed) => {
        const stream = [...events, ...extra.map(([s, t], i) => ev(`n${i}`, s, t))];
        const order = stream.map((e, i) => ({ e, r: (i * 7919 + seed) % 1009 })).sort((a, b) => a.r - b.r).map((x) => [x.e]);
        const along = statusesAlong(booked(), order);
        const firstDelivered = along.indexOf('delivered');
        if (firstDelivered >= 0) expect(along.slice(firstDelivered).every((s) => s === 'delivered')).toBe(true);
        // The same holds for every terminal status: the first one reached is the last one reported.
        const firstTerminal = along.findIndex(isTerminal);
        if (firstTerminal >= 0) expect(new Set(along.slice(firstTerminal)).size).toBe(1);
      }),
      { numRuns: 500 },
    );
  });

  it('outside the last-mile loop the reported rank never goes down', () => {
    const loop = new Set<ShipmentStatus>(['in_transit', 'out_for_delivery', 'undelivered']);
    fc.assert(
      fc.property(journey.chain((events) => arrival(events)), (batches) => {
        const along = ['booked' as ShipmentStatus, ...statusesAlong(booked(), batches)];
        for (let i = 1; i < along.length; i++) {
          const [a, b] = [along[i - 1] as ShipmentStatus, along[i] as ShipmentStatus];
          if (STATUS_RANK[b] < STATUS_RANK[a]) expect(loop.has(a) && loop.has(b)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a manual status is never regressed by courier updates', () => {
    fc.assert(
      fc.property(
        journey.chain((events) => fc.tuple(arrival(events), fc.nat(), anyStatus.filter((s) => !isTerminal(s)))),
        ([batches, cut, manualStatus]) => {
          const at = cut % (batches.length + 1);
          const before = feed(booked(), batches.slice(0, at));
          const set = setManualStatus(before, { status: manualStatus, by: 'ops', reason: 'test', at: iso(9_999) });
          if (!set.ok) {
            expect(isTerminal(before.status)).toBe(true);
            return;
          }
          for (const s of statusesAlong(set.result.machine, batches.slice(at))) {
            expect(isTerminal(s) || STATUS_RANK[s] >= STATUS_RANK[manualStatus]).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the fold does not depend on input order', () => {
    fc.assert(
      fc.property(journey.chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }))), ([a, b]) => {
        expect(foldStatus('booked', b)).toEqual(foldStatus('booked', a));
      }),
    );
  });
});
