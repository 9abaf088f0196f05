// GET /api/orders from the read models: orders still moving from the active sets, finished ones from
// day buckets of their creation day (the list's order), one partition per filter. Same items, same
// order and same cursors as the plain query in OrdersRepo.
import type { CourierId } from '../../domain/events';
import type { OrderStatus } from '../../domain/status';
import type { Collections } from '../collections';
import type { OrderDoc } from '../types';
import { ids, isActiveOrderStatus, partition, ROLES, type Role } from './keys';
import { paginate, type Candidate } from './paginate';
import { activeOrders, dayEntries, directoryDays, fetchByIds } from './read';
import type { ActiveOrderEntry } from './state';

export interface OrderListQuery {
  status?: OrderStatus;
  courier?: CourierId;
  limit: number;
  /** Decoded cursor: the last item's createdAt and id. */
  after?: [string, string];
}

type OrderCandidate = Candidate & { role: Role; entry?: ActiveOrderEntry };

/** Entries of the API's own writes that no longer match their order (see OrderIndexWriter.repair). */
export type StaleOrderEntries = (stale: Array<{ id: string; entry: ActiveOrderEntry; doc: OrderDoc | undefined }>) => void;

export async function listOrdersFromReadModels(cols: Pick<Collections, 'readModels' | 'orders'>, q: OrderListQuery, onStale?: StaleOrderEntries): Promise<OrderDoc[]> {
  const active = (await activeOrders(cols))
    .filter(({ e }) => (!q.status || e.s === q.status) && (!q.courier || e.k === q.courier))
    .map(({ id, e, role }): OrderCandidate => ({ id, key: e.c ?? '', role, entry: e }));
  // Finished orders only: a status still moving is never in the day buckets.
  const part = q.status && isActiveOrderStatus(q.status) ? undefined : partition(q.status, q.courier);
  const stale: Array<{ id: string; entry: ActiveOrderEntry; doc: OrderDoc | undefined }> = [];
  const items = await paginate<OrderDoc, OrderCandidate>({
    active,
    ...(part
      ? {
          archive: {
            days: await directoryDays(cols, ROLES.map((r) => ids.orderDays(part, r))),
            load: async (days) =>
              (await dayEntries(cols, days.flatMap((d) => ROLES.map((r) => ids.orderDay(part, d, r))))).map((e) => ({ id: e.id, key: e.key, role: e.doc.endsWith('@a') ? 'a' : 'w' })),
          },
        }
      : {}),
    order: 'desc',
    ...(q.after ? { after: { key: q.after[0], id: q.after[1] } } : {}),
    want: q.limit + 1,
    fetch: (list) => fetchByIds(cols.orders, list),
    verify: (o, c) =>
      o.createdAt === c.key &&
      (!q.status || o.status === q.status) &&
      (!q.courier || o.shipment?.courier === q.courier) &&
      (!q.after || o.createdAt < q.after[0] || (o.createdAt === q.after[0] && o._id < q.after[1])),
    onStale: (c, doc) => {
      if (c.role === 'a' && c.entry) stale.push({ id: c.id, entry: c.entry, doc });
    },
  });
  if (stale.length) onStale?.(stale);
  return items;
}
