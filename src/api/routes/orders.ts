// Orders pushed by the store, and the admin actions on one order: ship, sync, manual status, NDR
// resolution, cancel, and reading its live tracking.
import { Router } from 'express';
import { cancelOrder } from '../../shipments/cancel-order';
import type { BookingRetry, ShipmentGateway } from '../../shipments/gateway';
import { retryShipment, shipOrder, type ShipDeps } from '../../shipments/ship-order';
import type { OrdersRepo } from '../../storage/orders-repo';
import type { OrderDoc } from '../../storage/types';
import { ApiError, notFound } from '../errors';
import { actorOf, handle, parse, requestIdOf } from '../middleware';
import { cancelBodySchema, listOrdersQuerySchema, manualStatusBodySchema, ndrResolveBodySchema, orderInputSchema, orderParamsSchema, shipBodySchema } from '../schemas';

export interface OrdersRouteDeps extends Omit<ShipDeps, 'shipments'> {
  orders: OrdersRepo;
  shipments: ShipmentGateway & BookingRetry;
}

export function ordersRouter(d: OrdersRouteDeps): Router {
  const r = Router();

  r.post(
    '/',
    handle(async (req, res) => {
      const input = parse(orderInputSchema, req.body);
      const out = await d.orders.upsert(input);
      if (out.kind === 'locked') throw new ApiError('conflict', `order ${input.id} has shipped; its data can no longer change`);
      res.status(out.kind === 'created' ? 201 : 200).json(orderView(out.order));
    }),
  );

  r.get(
    '/',
    handle(async (req, res) => {
      const q = parse(listOrdersQuerySchema, req.query);
      const page = await d.orders.list(q);
      res.json({ items: page.items.map(orderView), nextCursor: page.nextCursor ?? null });
    }),
  );

  r.get(
    '/:id',
    handle(async (req, res) => {
      const { id } = parse(orderParamsSchema, req.params);
      const order = await d.orders.get(id);
      if (!order) throw notFound(`order ${id}`);
      res.json(orderView(order));
    }),
  );

  r.post(
    '/:id/ship',
    handle(async (req, res) => {
      const { id } = parse(orderParamsSchema, req.params);
      const body = parse(shipBodySchema, req.body ?? {});
      res.json(await shipOrder(d, id, body.courierId));
    }),
  );

  r.post(
    '/:id/ship/retry',
    handle(async (req, res) => {
      const { id } = parse(orderParamsSchema, req.params);
      const body = parse(shipBodySchema, req.body ?? {});
      res.json(await retryShipment(d, id, { requestId: requestIdOf(req), ...(body.courierId ? { courier: body.courierId } : {}) }));
    }),
  );

  r.get(
    '/:id/tracking',
    handle(async (req, res) => {
      const { id } = parse(orderParamsSchema, req.params);
      const view = await d.shipments.tracking(id);
      if (!view) throw notFound(`shipment for order ${id}`);
      res.json(view);
    }),
  );

  r.post(
    '/:id/sync',
    handle(async (req, res) => {
      const { id } = parse(orderParamsSchema, req.params);
      const { success, statusUpdated, status, orderStatus, error } = await d.shipments.refresh(id);
      res.json({ success, statusUpdated, status, orderStatus, ...(error ? { error } : {}) });
    }),
  );

  r.post(
    '/:id/status',
    handle(async (req, res) => {
      const { id } = parse(orderParamsSchema, req.params);
      const body = parse(manualStatusBodySchema, req.body);
      res.json(await d.shipments.setManualStatus(id, { requestId: requestIdOf(req), status: body.status, reason: body.reason, by: actorOf(req) }));
    }),
  );

  r.post(
    '/:id/ndr',
    handle(async (req, res) => {
      const { id } = parse(orderParamsSchema, req.params);
      const { action } = parse(ndrResolveBodySchema, req.body);
      res.json(await d.shipments.resolveNdr(id, { requestId: requestIdOf(req), action, by: 'admin', actor: actorOf(req) }));
    }),
  );

  r.post(
    '/:id/cancel',
    handle(async (req, res) => {
      const { id } = parse(orderParamsSchema, req.params);
      const { reason } = parse(cancelBodySchema, req.body);
      res.json(await cancelOrder(d, id, { requestId: requestIdOf(req), by: actorOf(req), reason }));
    }),
  );

  return r;
}

/** The API's view of an order (the document minus Mongo's naming). */
export function orderView(o: OrderDoc) {
  const { _id, ...rest } = o;
  return { id: _id, ...rest };
}
