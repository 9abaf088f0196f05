// The typed client for store code: the calls the store makes today (syncOrderTracking,
// syncMultipleOrdersTracking, ship, resolve an NDR) as functions, talking to Temporal exactly as the API
// does — through the same gateway and services, with the same data converter — so there is one
// behaviour whichever door is used. See docs/api.md, "Typed client".
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import pino, { type Logger } from 'pino';
import { ApiError, fromShipmentError } from '../api/errors';
import { parse } from '../api/middleware';
import { ndrActionSchema } from '../api/schemas';
import { ShipmentError } from '../shipments/errors';
import { ShipmentGatewayError, TemporalShipmentGateway, type GatewayTimeouts, type ShipmentGateway } from '../shipments/gateway';
import { shipOrder, type ShipResult } from '../shipments/ship-order';
import { syncOrder, syncOrders, type SyncOutcome } from '../shipments/sync-orders';
import type { CourierId } from '../domain/events';
import type { NdrAction } from '../domain/ndr';
import { AwbIndexRepo } from '../storage/awb-index-repo';
import { InboxRepo } from '../storage/inbox-repo';
import { connectMongo, type Mongo } from '../storage/mongo';
import { OrdersRepo } from '../storage/orders-repo';
import type { CodecKeys } from '../temporal/codec-keys';
import { createClientDataConverter } from '../temporal/data-converter';
import type { ResolveNdrResult, TrackingView } from '../workflows/shipment/contract';

export { ApiError as WaybillError, ShipmentGatewayError };
export type { ResolveNdrResult, ShipResult, SyncOutcome, TrackingView };

export interface WaybillClient {
  /** Poll the order's courier now. Never throws for an order that cannot be synced: `success` says. */
  syncOrderTracking(orderId: string): Promise<SyncOutcome>;
  /** Same, for many orders (8 at a time); one result per distinct id, in order. */
  syncMultipleOrdersTracking(orderIds: readonly string[]): Promise<SyncOutcome[]>;
  /**
   * Ship a processing order (idempotent: a repeat answers the same shipment). Throws WaybillError with
   * `code` not_found / conflict / unprocessable (`details.code`: unserviceable, missing_weight,
   * auth_rejected…), or ShipmentGatewayError when Temporal does not answer.
   */
  shipOrder(orderId: string, opts?: { courierId?: CourierId }): Promise<ShipResult>;
  /** Resolve the order's open NDR. Throws WaybillError (malformed action) or ShipmentGatewayError. */
  resolveNdr(orderId: string, action: NdrAction, opts: { actor: string; by?: 'admin' | 'customer'; requestId?: string }): Promise<ResolveNdrResult>;
  /** The live tracking view; null when the order has no shipment. */
  getTracking(orderId: string): Promise<TrackingView | null>;
}

export interface WaybillClientDeps {
  gateway: ShipmentGateway;
  mongo: Mongo;
  log?: Logger;
  defaultCourier?: CourierId;
  defaultItemWeightGrams?: number;
}

export function createWaybillClient(d: WaybillClientDeps): WaybillClient {
  const log = d.log ?? pino({ level: 'silent' });
  const shipDeps = {
    orders: new OrdersRepo(d.mongo.cols),
    shipments: d.gateway,
    awbs: new AwbIndexRepo(d.mongo.cols),
    inbox: new InboxRepo(d.mongo.db),
    log,
    defaultCourier: d.defaultCourier ?? 'icarry',
    defaultItemWeightGrams: d.defaultItemWeightGrams ?? 500,
  };
  return {
    syncOrderTracking: (orderId) => syncOrder(d.gateway, orderId),
    syncMultipleOrdersTracking: (orderIds) => syncOrders(d.gateway, [...new Set(orderIds)]),
    shipOrder: (orderId, opts = {}) =>
      shipOrder(shipDeps, orderId, opts.courierId).catch((e: unknown) => {
        // One error type for the store's code, whichever check refused: the services' own as WaybillError.
        throw e instanceof ShipmentError ? fromShipmentError(e) : e;
      }),
    resolveNdr: (orderId, action, opts) => {
      const valid = parse(ndrActionSchema, action);
      return d.gateway.resolveNdr(orderId, { requestId: opts.requestId ?? randomUUID(), action: valid, by: opts.by ?? 'admin', actor: opts.actor });
    },
    getTracking: (orderId) => d.gateway.tracking(orderId),
  };
}

export interface ConnectOptions {
  temporal: { address: string; namespace: string; codecKeys: CodecKeys };
  mongo: { uri: string; db: string };
  timeouts?: Partial<GatewayTimeouts>;
  log?: Logger;
  defaultCourier?: CourierId;
  defaultItemWeightGrams?: number;
}

/** Connects to Waybill's Temporal and MongoDB (the values the API uses: TEMPORAL_*, CODEC_*, MONGODB_*). */
export async function connectWaybillClient(o: ConnectOptions): Promise<WaybillClient & { close(): Promise<void> }> {
  const mongo = await connectMongo(o.mongo.uri, o.mongo.db, { ensureIndexes: false });
  const connection = Connection.lazy({ address: o.temporal.address });
  const temporal = new Client({ connection, namespace: o.temporal.namespace, dataConverter: createClientDataConverter(o.temporal.codecKeys) });
  const client = createWaybillClient({ gateway: new TemporalShipmentGateway(temporal, o.timeouts), mongo, log: o.log, defaultCourier: o.defaultCourier, defaultItemWeightGrams: o.defaultItemWeightGrams });
  return {
    ...client,
    close: async () => {
      await connection.close();
      await mongo.close();
    },
  };
}

// ——— Store events: receiving Waybill's signed outbound webhooks (issue 14) ———
// Kept as one block at the end so it merges apart from the calls above. See examples/store-receiver.
import type { BookedData, NdrAnsweredData, NdrOpenedData, NdrResolvedData, StatusChangeData, StoreEventType } from '../domain/store-events';
import { verifyWebhook, type HeadersInput } from '../lib/standard-webhooks';

export { verifyWebhook, WebhookVerificationError } from '../lib/standard-webhooks';
export type { HeadersInput, WebhookVerificationFailure } from '../lib/standard-webhooks';
export type { StoreEvent, StoreEventType, BookedData, StatusChangeData, NdrOpenedData, NdrAnsweredData, NdrResolvedData } from '../domain/store-events';

/** The `data` each event type carries (the milestones repeat their `shipment.status_changed`'s data). */
export interface StoreEventDataByType {
  'shipment.booked': BookedData;
  'shipment.status_changed': StatusChangeData;
  'shipment.delivered': StatusChangeData;
  'shipment.rto_started': StatusChangeData;
  'shipment.rto_delivered': StatusChangeData;
  'shipment.cancelled': StatusChangeData;
  'shipment.lost': StatusChangeData;
  'shipment.damaged': StatusChangeData;
  'ndr.opened': NdrOpenedData;
  'ndr.answered': NdrAnsweredData;
  'ndr.resolved': NdrResolvedData;
}
// A new event type does not compile until it is given its data type above.
const everyStoreEventTypeHasData: [Exclude<StoreEventType, keyof StoreEventDataByType>] extends [never] ? true : never = true;
void everyStoreEventTypeHasData;

/** The JSON body of a store event webhook (`storeEventBody`), narrowed on `type`. */
export type StoreEventPayload = {
  [T in StoreEventType]: {
    /** Also the `webhook-id` header; stable across retries. */
    id: string;
    type: T;
    /** Payload version: the fields below are those of version 1. */
    version: number;
    /** When the change happened (ISO 8601). */
    timestamp: string;
    orderId: string;
    /** 1, 2, 3 … per order; apply only if above the last applied (numbers skip for types not subscribed). */
    sequence: number;
    data: StoreEventDataByType[T];
  };
}[StoreEventType];

/**
 * Verifies a store event webhook (Standard Webhooks: throws WebhookVerificationError with a `reason`)
 * and parses it. `body` must be the raw bytes received (e.g. `express.raw()`), not re-serialised JSON.
 */
export function parseStoreEvent(
  headers: HeadersInput,
  body: string | Uint8Array,
  secrets: readonly string[],
  opts: { toleranceSeconds?: number; now?: Date } = {},
): StoreEventPayload {
  verifyWebhook({ headers, body, secrets, ...opts });
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return JSON.parse(text) as StoreEventPayload;
}
