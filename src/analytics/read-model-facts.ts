// The facts sync analytics count, read from the read models instead of the collections: one document
// per UTC day (an:<day>:0) holds its courier events and outcomes, each binned to its quarter hour; the
// active set (sa:*) holds every live shipment. A report over 30 days reads 31 + 8 documents by _id,
// whatever the number of shipments. Each fact keeps exactly what the report rounds to (tenths of a
// second or hour) and the report's buckets start on quarter hours, so the figures equal the plain path's.
import type { CourierId } from '../domain/events';
import { TERMINAL_STATUSES } from '../domain/status';
import type { Collections } from '../storage/collections';
import { ANALYTICS_GROUPS_PER_DAY, courierOfCode, DAY_MS, ids, slotInstant, SLOT_MS, SLOTS_PER_GROUP } from '../storage/read-models/keys';
import { activeShipments, readDocs } from '../storage/read-models/read';
import { entriesOf } from '../storage/read-models/packed';
import type { FactRange, LiveCounts } from './facts';
import type { AppliedEventFact, DeliveryBin, Outcome, OutcomeFact } from './metrics';

/** The read models can answer this range: its bounds (and every period's) fall on quarter hours. */
export function slotAligned(instants: readonly number[]): boolean {
  return instants.every((t) => t % SLOT_MS === 0);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Events and outcomes of the range, each handed over once, from the day documents it spans. */
export async function readFactsFromReadModels(
  cols: Pick<Collections, 'readModels'>,
  r: FactRange,
  onEvent: (f: AppliedEventFact) => void,
  onOutcome: (f: OutcomeFact) => void,
): Promise<void> {
  const days: string[] = [];
  for (let t = Math.floor(r.startsAt / DAY_MS) * DAY_MS; t < r.endsAt; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  const groups = days.flatMap((day) => Array.from({ length: ANALYTICS_GROUPS_PER_DAY }, (_, g) => ({ day, first: g * SLOTS_PER_GROUP })));
  // Only the documents whose span overlaps the range.
  const wanted = groups.filter((g) => slotInstant(g.day, g.first) < r.endsAt && slotInstant(g.day, g.first + SLOTS_PER_GROUP) > r.startsAt);
  const docs = await readDocs(cols, wanted.map((g) => ids.analytics(g.day, g.first)));
  const from = iso(r.startsAt);
  const to = iso(r.endsAt);
  docs.forEach((doc, i) => {
    const dayStart = slotInstant(wanted[i]!.day, 0);
    // Tens of thousands of facts per report: parsed straight from the strings, one split each.
    for (const v of entriesOf(doc, 'e').values()) {
      const [c, slot, src, tenths] = v.split('|');
      const courier = courierOfCode(c!);
      const at = dayStart + Number(slot) * SLOT_MS;
      if (at < r.startsAt || at >= r.endsAt || (r.courier && courier !== r.courier)) continue;
      // tenths × 100 ms rounds back to the same tenth: the report's percentiles come out unchanged.
      onEvent({ courier, source: src === 'w' ? 'webhook' : 'poll', receivedAt: at, latencyMs: Number(tenths) * 100 });
    }
    for (const v of entriesOf(doc, 'o').values()) {
      const [c, slot, outcome, hadNdr, tenths, bin, createdAt, updatedAt] = String(v).split('|');
      const courier = courierOfCode(c!);
      const at = dayStart + Number(slot) * SLOT_MS;
      if (at < r.startsAt || at >= r.endsAt || (r.courier && courier !== r.courier)) continue;
      // The plain path reads shipments written since the range began and created before it ended.
      if (!(updatedAt! >= from && createdAt! < to)) continue;
      onOutcome({
        courier,
        outcome: outcome as Outcome,
        at,
        hadNdr: hadNdr === '1',
        ...(tenths ? { deliveryHours: Number(tenths) / 10, deliveryBin: bin as DeliveryBin } : {}),
      });
    }
  });
}

/** Live shipments per courier, from the active set. */
export async function readLiveCountsFromReadModels(cols: Pick<Collections, 'readModels'>, courier: CourierId | undefined, syncSince: number): Promise<Map<CourierId, LiveCounts>> {
  const since = iso(syncSince);
  const out = new Map<CourierId, LiveCounts>();
  for (const { e } of await activeShipments(cols)) {
    if (TERMINAL_STATUSES.includes(e.s) || e.s === 'pending' || (courier && e.c !== courier)) continue;
    let v = out.get(e.c);
    if (!v) out.set(e.c, (v = { live: 0, stuck: 0, ndrOpen: 0, syncEligible: 0, inSync: 0 }));
    v.live++;
    if (e.k === 1) v.stuck++;
    if (e.n === 1) v.ndrOpen++;
    if (e.cr < since) {
      v.syncEligible++;
      if (e.ls !== undefined && e.ls >= since) v.inSync++;
    }
  }
  return out;
}
