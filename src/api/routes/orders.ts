// Orders pushed by the store, the ship action, and reading an order's status back.
import { Router } from 'express';
import type { CourierId } from '../../domain/events';
import { OrderNotShippableError, shipmentRequestFor } from '../../domain/shipment-request';
import { BadCursorError, type OrdersRepo } from '../../storage/orders-repo';
import type { OrderDoc } from '../../storage/types';
import { shipmentWorkflowId, type ShipmentInput } from '../../workflows/shipment/contract';
import { ApiError, notFound } from '../errors';
import { handle, parse } from '../middleware';
import { listOrdersQuerySchema, orderIdSchema, orderInputSchema, shipBodySchema } from '../schemas';
import type { ShipmentGateway } from '../shipment-gateway';

export interface OrdersRouteDeps {
  orders: OrdersRepo;
  shipments: ShipmentGateway;
  defaultCourier: CourierId;
  defaultItemWeightGrams: number;
  /** Builds the customer's signed tracking link (tracking page issue); absent → no link. */
  trackingPageUrl?: (orderId: string) => string;
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
      try {
        const page = await d.orders.list(q);
        res.json({ items: page.items.map(orderView), nextCursor: page.nextCursor ?? null });
      } catch (e) {
        if (e instanceof BadCursorError) throw new ApiError('validation_failed', 'invalid cursor');
        throw e;
      }
    }),
  );

  r.get(
    '/:id',
    handle(async (req, res) => {
      const id = parse(orderIdSchema, req.params.id);
      const order = await d.orders.get(id);
      if (!order) throw notFound(`order ${id}`);
      res.json(orderView(order));
    }),
  );

  r.post(
    '/:id/ship',
    handle(async (req, res) => {
      const id = parse(orderIdSchema, req.params.id);
      const body = parse(shipBodySchema, req.body ?? {});
      const order = await d.orders.get(id);
      if (!order) throw notFound(`order ${id}`);
      // A shipped order may only be "shipped" again by the same double click: the workflow answers it.
      if (order.status !== 'processing' && !order.shipment) throw new ApiError('conflict', `order ${id} is ${order.status}; only processing orders can ship`);
      const courier = order.shipment?.courier ?? body.courierId ?? d.defaultCourier;
      if (order.shipment && body.courierId && body.courierId !== order.shipment.courier) {
        throw new ApiError('conflict', `order ${id} already ships with ${order.shipment.courier}`);
      }
      let input: ShipmentInput;
      try {
        input = { orderId: id, courier, request: shipmentRequestFor(order, d.defaultItemWeightGrams), trackingPageUrl: d.trackingPageUrl?.(id) };
      } catch (e) {
        if (e instanceof OrderNotShippableError) throw new ApiError('unprocessable', e.message, { code: e.code });
        throw e;
      }
      await d.orders.setShipment(id, { courier, workflowId: shipmentWorkflowId(id) });
      const outcome = await d.shipments.ship(input);
      if (!outcome.ok) throw new ApiError('unprocessable', outcome.message, { code: outcome.code, workflowId: shipmentWorkflowId(id) });
      await d.orders.setShipment(id, { courier, workflowId: shipmentWorkflowId(id), awb: outcome.awb, trackingUrl: outcome.trackingUrl });
      res.json({ orderId: id, workflowId: shipmentWorkflowId(id), courier: outcome.courier, awb: outcome.awb, trackingUrl: outcome.trackingUrl, carrierName: outcome.carrierName ?? null });
    }),
  );

  r.get(
    '/:id/tracking',
    handle(async (req, res) => {
      const id = parse(orderIdSchema, req.params.id);
      const view = await d.shipments.tracking(id);
      if (!view) throw notFound(`shipment for order ${id}`);
      res.json(view);
    }),
  );

  return r;
}

/** The API's view of an order (the document minus Mongo's naming). */
export function orderView(o: OrderDoc) {
  const { _id, ...rest } = o;
  return { id: _id, ...rest };
}
