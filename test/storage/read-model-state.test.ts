// Properties of the read models' pure core (no database): entries written as differences add up to
// exactly the entries of the last state, whatever the order of full rewrites and repeated writes; and
// the binned analytics facts give the same percentiles and histogram as the raw values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DELIVERY_TIME_BINS, deliveryBinOf, PeriodAccumulator } from '../../src/analytics/metrics';
import { courierIds } from '../../src/couriers/registry';
import { NDR_REASONS, ORDER_STATUSES, SHIPMENT_STATUSES } from '../../src/domain/status';
import { fieldKey, idOfFieldKey, shardOf, SHIPMENT_ACTIVE_SHARDS, utcSlot, slotInstant, SLOT_MS } from '../../src/storage/read-models/keys';
import { diffEntries, workerEntries, type Entry, type RmOps, type ShipmentState } from '../../src/storage/read-models/state';

const day = fc.integer({ min: 0, max: 40 }).map((d) => new Date(Date.parse('2025-03-01T00:00:00Z') + d * 86_400_000 + (d % 7) * 3_600_000).toISOString());

const state = (orderId: string): fc.Arbitrary<ShipmentState> =>
  fc
    .record({
      seq: fc.integer({ min: 1, max: 50 }),
      courier: fc.constantFrom(...courierIds()),
      status: fc.constantFrom(...SHIPMENT_STATUSES),
      ndrOpen: fc.boolean(),
      ndrAttempts: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      ndrOpenedAt: fc.option(day, { nil: undefined }),
      ndrReason: fc.option(fc.constantFrom(...NDR_REASONS), { nil: undefined }),
      stuck: fc.boolean(),
      lastSyncAt: fc.option(day, { nil: undefined }),
      createdAt: day,
      updatedAt: day,
      oc: fc.option(day, { nil: undefined }),
      os: fc.option(fc.constantFrom(...ORDER_STATUSES), { nil: undefined }),
      delivered: fc.option(day, { nil: undefined }),
      ds: fc.option(day, { nil: undefined }),
    })
    .map((r) => {
      const s: ShipmentState = {
        orderId,
        seq: r.seq,
        courier: r.courier,
        status: r.status,
        ndrOpen: r.ndrOpen,
        stuck: r.stuck,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        rm: { v: 1, first: r.delivered ? { delivered: r.delivered } : {} },
      };
      if (r.ndrAttempts !== undefined) s.ndrAttempts = r.ndrAttempts;
      if (r.ndrOpenedAt) s.ndrOpenedAt = r.ndrOpenedAt;
      if (r.ndrReason) s.ndrReason = r.ndrReason;
      if (r.lastSyncAt) s.lastSyncAt = r.lastSyncAt;
      if (r.oc) s.rm.oc = r.oc;
      if (r.os) s.rm.os = r.os;
      if (r.ds) s.rm.ds = r.ds;
      return s;
    });

/** Read-model documents as maps, with writes applied as the server applies $set / $unset. */
function apply(model: Map<string, Map<string, unknown>>, ops: RmOps): void {
  for (const [doc, set] of ops.sets) {
    const m = model.get(doc) ?? new Map<string, unknown>();
    for (const [p, v] of Object.entries(set)) m.set(p, v);
    model.set(doc, m);
  }
  for (const [doc, unset] of ops.unsets) for (const p of Object.keys(unset)) model.get(doc)?.delete(p);
}

const flat = (entries: readonly Entry[], sticky: boolean) =>
  entries
    .filter((e) => Boolean(e[3]) === sticky)
    .map((e) => `${e[0]} ${e[1]} ${JSON.stringify(e[2])}`)
    .sort();
const flatModel = (model: Map<string, Map<string, unknown>>, sticky: boolean) =>
  [...model].flatMap(([doc, m]) => [...m].filter(([p]) => p.startsWith('d.') === sticky).map(([p, v]) => `${doc} ${p} ${JSON.stringify(v)}`)).sort();

describe('entries written as differences', () => {
  it('always add up to the entries of the last state, with full rewrites and repeats anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(state('S1'), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 12 }),
        (steps) => {
          const model = new Map<string, Map<string, unknown>>();
          let prev: ShipmentState | null = null;
          for (const [next, full, repeat] of steps) {
            const ops = diffEntries(prev ? workerEntries(prev) : [], workerEntries(next), full);
            apply(model, ops);
            if (repeat) apply(model, ops); // a retried write
            prev = next;
          }
          const last = workerEntries(prev!);
          expect(flatModel(model, false)).toEqual(flat(last, false));
          // Directory days only accumulate: the last state's are there.
          expect(flatModel(model, true)).toEqual(expect.arrayContaining(flat(last, true)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keep a shipment in exactly one list place: the active set or its day buckets', () => {
    fc.assert(
      fc.property(state('S9'), (s) => {
        const docs = new Set(workerEntries(s).filter((e) => !e[3]).map((e) => e[0].split(':')[0]));
        expect(docs.has('sa') !== docs.has('sb')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('keys', () => {
  it('field keys round-trip any id, and leave order ids as they are', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), (id) => {
        expect(idOfFieldKey(fieldKey(id))).toBe(id);
        expect(fieldKey(id)).not.toMatch(/[.$]/);
      }),
    );
    expect(fieldKey('ORD-1001_a')).toBe('ORD-1001_a');
  });

  it('shards are stable and in range; slots cover the day in quarter hours', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 4e12 }), (id, t) => {
        const s = shardOf(id, SHIPMENT_ACTIVE_SHARDS);
        expect(s).toBe(shardOf(id, SHIPMENT_ACTIVE_SHARDS));
        expect(s >= 0 && s < SHIPMENT_ACTIVE_SHARDS).toBe(true);
        const { day: d, slot } = utcSlot(t);
        const start = slotInstant(d, slot);
        expect(t >= start && t < start + SLOT_MS).toBe(true);
      }),
    );
  });
});

describe('binned analytics facts', () => {
  it('give the percentiles of the raw latencies (tenths of a second are what the report shows)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 * 86_400_000 }), { minLength: 1, maxLength: 200 }), (ms) => {
        const raw = new PeriodAccumulator();
        const binned = new PeriodAccumulator();
        for (const m of ms) {
          raw.addEvent({ courier: 'delhivery', source: 'webhook', receivedAt: 0, latencyMs: m });
          binned.addEvent({ courier: 'delhivery', source: 'webhook', receivedAt: 0, latencyMs: Math.round((m / 1000) * 10) * 100 });
        }
        expect(binned.result().latency).toEqual(raw.result().latency);
      }),
      { numRuns: 300 },
    );
  });

  it('give the delivery-time percentiles and histogram of the raw hours', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 400, noNaN: true }), { minLength: 1, maxLength: 100 }), (hours) => {
        const raw = new PeriodAccumulator();
        const binned = new PeriodAccumulator();
        for (const h of hours) {
          raw.addOutcome({ courier: 'icarry', outcome: 'delivered', at: 0, hadNdr: false, deliveryHours: h });
          binned.addOutcome({ courier: 'icarry', outcome: 'delivered', at: 0, hadNdr: false, deliveryHours: Math.round(h * 10) / 10, deliveryBin: deliveryBinOf(h) });
        }
        expect(binned.result().deliveryTime).toEqual(raw.result().deliveryTime);
      }),
      { numRuns: 300 },
    );
    // The case binning the rounded value would get wrong: 23.96 h shows as 24.0 h but is under a day.
    expect(deliveryBinOf(23.96)).toBe(DELIVERY_TIME_BINS[0]!.key);
  });
});
