// The shipment lists from the read models: the console's shipment list (most recently changed first),
// the stuck list and the NDR queue. Shipments in flight, stuck or with an open NDR are all in the active
// set (a few thousand entries at 100k shipments a year), so the stuck list and the NDR queue read only
// that; finished shipments are in day buckets of their last write. Same items, order and cursors as
// the plain queries they replace (ShipmentsRepo's …ByQuery).
import type { CourierId } from '../../domain/events';
import { isTerminal, type NdrReason, type ShipmentStatus } from '../../domain/status';
import type { Collections } from '../collections';
import type { ShipmentDoc } from '../types';
import { courierIds } from '../../couriers/registry';
import { ids, partition } from './keys';
import { paginate, type Candidate } from './paginate';
import { activeShipments, dayEntries, directoryDays, fetchByIds } from './read';

type Cols = Pick<Collections, 'readModels' | 'shipments' | 'awbIndex'>;

export interface ShipmentListQuery {
  status?: ShipmentStatus;
  courier?: CourierId;
  ndrOpen?: boolean;
  stuck?: boolean;
  /** An order id or an AWB, exactly. */
  q?: string;
  limit: number;
  /** Decoded cursor: the last item's updatedAt and id. */
  after?: [string, string];
}

function matches(s: ShipmentDoc, f: ShipmentListQuery): boolean {
  return (
    (!f.status || s.status === f.status) &&
    (!f.courier || s.courier === f.courier) &&
    (!f.ndrOpen || s.ndrOpen === true) &&
    (!f.stuck || s.stuck === true) &&
    (!f.q || s._id === f.q || s.awb === f.q) &&
    (!f.after || s.updatedAt < f.after[0] || (s.updatedAt === f.after[0] && s._id < f.after[1]))
  );
}

/** Most recently changed first: limit + 1 items (the extra one says there is a next page). */
export async function listShipmentsFromReadModels(cols: Cols, f: ShipmentListQuery): Promise<ShipmentDoc[]> {
  if (f.q) return searchShipments(cols, f);
  const active = (await activeShipments(cols))
    .filter(({ e }) => (!f.status || e.s === f.status) && (!f.courier || e.c === f.courier) && (!f.ndrOpen || e.n === 1) && (!f.stuck || e.k === 1))
    .map(({ id, e }): Candidate => ({ id, key: e.u ?? '' }));
  // Only finished shipments are in the day buckets; an open NDR or a stuck flag keeps a shipment active.
  const part = f.ndrOpen || f.stuck || (f.status && !isTerminal(f.status)) ? undefined : partition(f.status, f.courier);
  return paginate<ShipmentDoc, Candidate>({
    active,
    ...(part
      ? {
          archive: {
            days: await directoryDays(cols, [ids.shipmentDays(part)]),
            load: async (days) => (await dayEntries(cols, days.map((d) => ids.shipmentDay(part, d)))).map((e) => ({ id: e.id, key: e.key })),
          },
        }
      : {}),
    order: 'desc',
    ...(f.after ? { after: { key: f.after[0], id: f.after[1] } } : {}),
    want: f.limit + 1,
    fetch: (list) => fetchByIds(cols.shipments, list),
    verify: (s, c) => s.updatedAt === c.key && matches(s, f),
  });
}

/** By order id or AWB: the order itself, and whatever the AWB index names for that AWB with any courier. */
async function searchShipments(cols: Cols, f: ShipmentListQuery): Promise<ShipmentDoc[]> {
  const q = f.q!;
  const owners = await Promise.all(courierIds().map((c) => cols.awbIndex.findOne({ _id: `${c}:${q}` })));
  const found = await fetchByIds(cols.shipments, [q, ...owners.flatMap((o) => (o ? [o.orderId] : []))]);
  return [...found.values()]
    .filter((s) => matches(s, f))
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : a._id < b._id ? 1 : a._id > b._id ? -1 : 0))
    .slice(0, f.limit + 1);
}

/** Stuck shipments still in flight, longest without a scan first (no scan yet sorts first). */
export async function listStuckFromReadModels(cols: Cols, courier: CourierId | undefined, limit: number): Promise<ShipmentDoc[]> {
  const active = (await activeShipments(cols))
    .filter(({ e }) => e.k === 1 && !isTerminal(e.s) && (!courier || e.c === courier))
    .map(({ id, e }): Candidate => ({ id, key: e.le ?? '' }));
  return paginate<ShipmentDoc, Candidate>({
    active,
    order: 'asc',
    want: limit,
    fetch: (list) => fetchByIds(cols.shipments, list),
    verify: (s, c) => s.stuck === true && !isTerminal(s.status) && (!courier || s.courier === courier) && (s.lastEventAt ?? '') === c.key,
  });
}

export interface NdrQueueFilter {
  courier?: CourierId;
  reason?: NdrReason;
  minAttempts?: number;
  paymentMethod?: 'prepaid' | 'cod';
  /** ndr.openedAt at or before this instant (ISO). */
  openedBy?: string;
  limit: number;
  /** Decoded cursor: the last item's ndr.openedAt and id. */
  after?: [string, string];
}

/** Open NDRs, oldest first: limit + 1 items. */
export async function ndrQueueFromReadModels(cols: Cols, q: NdrQueueFilter): Promise<ShipmentDoc[]> {
  const ok = (v: { n?: boolean; courier: string; reason?: string; pm?: string; attempts?: number; openedAt?: string }) =>
    v.n === true &&
    (!q.courier || v.courier === q.courier) &&
    (!q.reason || v.reason === q.reason) &&
    (!q.paymentMethod || v.pm === q.paymentMethod) &&
    (q.minAttempts === undefined || (v.attempts !== undefined && v.attempts >= q.minAttempts)) &&
    (q.openedBy === undefined || (v.openedAt !== undefined && v.openedAt <= q.openedBy));
  const active = (await activeShipments(cols))
    .filter(({ e }) => ok({ n: e.n === 1, courier: e.c, reason: e.nr, pm: e.pm, attempts: e.na, openedAt: e.no }))
    .map(({ id, e }): Candidate => ({ id, key: e.no ?? '' }));
  return paginate<ShipmentDoc, Candidate>({
    active,
    order: 'asc',
    ...(q.after ? { after: { key: q.after[0], id: q.after[1] } } : {}),
    want: q.limit + 1,
    fetch: (list) => fetchByIds(cols.shipments, list),
    verify: (s, c) =>
      (s.ndr?.openedAt ?? '') === c.key &&
      ok({ n: s.ndrOpen === true, courier: s.courier, reason: s.ndrReason, pm: s.paymentMethod, attempts: s.ndr?.attempts, openedAt: s.ndr?.openedAt }) &&
      (!q.after || (s.ndr?.openedAt !== undefined && (s.ndr.openedAt > q.after[0] || (s.ndr.openedAt === q.after[0] && s._id > q.after[1])))),
  });
}
