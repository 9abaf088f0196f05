// The store's webhook endpoints and the record of every delivery to them.
//
// Signing secrets are encrypted with the SecretBox, bound to their endpoint (AAD
// `store-endpoints/<id>/<secret id>`), write-only: a read says which secrets exist and until when,
// never what they are. A rotation puts the new secret first and keeps the old one until its overlap
// window ends; while both live every delivery carries a signature by each (Standard Webhooks).
import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { StoreEventType } from '../domain/store-events';
import type { SecretBox } from '../lib/secret-box';
import { COLLECTIONS } from './collections';
import type { EncryptedValue } from './types';

export interface StoreEndpointHealth {
  lastSuccessAt?: string;
  lastFailureAt?: string;
  /** First failure since the last success: an endpoint failing for days is disabled. */
  failingSince?: string;
  lastError?: string;
}

export interface StoreEndpointDoc {
  _id: string;
  url: string;
  description?: string;
  /** Event types it wants; empty = every type. */
  eventTypes: StoreEventType[];
  secrets: Array<{ id: string; value: EncryptedValue; createdAt: string; expiresAt?: string }>;
  enabled: boolean;
  disabledAt?: string;
  disabledReason?: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  health: StoreEndpointHealth;
}

/** What the API and the console show: never a secret. */
export type StoreEndpointView = Omit<StoreEndpointDoc, '_id' | 'secrets'> & {
  id: string;
  secrets: Array<{ id: string; createdAt: string; expiresAt?: string }>;
};

/** What the delivery activity needs: the secrets in clear (memory only: never log or return it). */
export interface DecryptedStoreEndpoint {
  id: string;
  url: string;
  eventTypes: StoreEventType[];
  enabled: boolean;
  secrets: string[];
  health: StoreEndpointHealth;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped' | 'gone';

export interface StoreDeliveryDoc {
  _id: string;
  endpointId: string;
  eventId: string;
  orderId: string;
  type: StoreEventType;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  lastLatencyMs?: number;
  firstAttemptAt: string;
  lastAttemptAt: string;
  deliveredAt?: string;
  /** Set by an ops replay: delivered again on purpose. */
  replays?: number;
}

export const deliveryId = (endpointId: string, eventId: string) => `${endpointId}|${eventId}`;
const secretAad = (endpointId: string, secretId: string) => `store-endpoints/${endpointId}/${secretId}`;

export class StoreEndpointsRepo {
  private readonly endpoints: Collection<StoreEndpointDoc>;
  private readonly deliveries: Collection<StoreDeliveryDoc>;

  constructor(
    db: Db,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {
    this.endpoints = db.collection<StoreEndpointDoc>(COLLECTIONS.storeEndpoints);
    this.deliveries = db.collection<StoreDeliveryDoc>(COLLECTIONS.storeDeliveries);
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  async create(input: { url: string; description?: string; eventTypes: StoreEventType[]; secret: string; by: string }): Promise<StoreEndpointView> {
    const id = `ep_${randomBytes(8).toString('hex')}`;
    const at = this.iso();
    const secretId = `s_${randomBytes(4).toString('hex')}`;
    const doc: StoreEndpointDoc = {
      _id: id,
      url: input.url,
      ...(input.description ? { description: input.description } : {}),
      eventTypes: input.eventTypes,
      secrets: [{ id: secretId, value: this.box.encrypt(input.secret, secretAad(id, secretId)), createdAt: at }],
      enabled: true,
      createdAt: at,
      updatedAt: at,
      updatedBy: input.by,
      health: {},
    };
    await this.endpoints.insertOne(doc);
    return view(doc);
  }

  async list(): Promise<StoreEndpointView[]> {
    // One document per endpoint: a store has a handful.
    const docs = await this.endpoints.find({}).toArray();
    return docs.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(view);
  }

  async get(id: string): Promise<StoreEndpointView | null> {
    const doc = await this.endpoints.findOne({ _id: id });
    return doc ? view(doc) : null;
  }

  /** Endpoints that want an event of `type` now (enabled): what a new event is delivered to. */
  async subscribers(type: StoreEventType): Promise<string[]> {
    const docs = await this.endpoints.find({}).toArray();
    return docs.filter((d) => d.enabled && (d.eventTypes.length === 0 || d.eventTypes.includes(type))).map((d) => d._id);
  }

  async decrypted(id: string): Promise<DecryptedStoreEndpoint | null> {
    const doc = await this.endpoints.findOne({ _id: id });
    if (!doc) return null;
    const now = this.iso();
    const live = doc.secrets.filter((s) => !s.expiresAt || s.expiresAt > now);
    return {
      id: doc._id,
      url: doc.url,
      eventTypes: doc.eventTypes,
      enabled: doc.enabled,
      secrets: live.map((s) => this.box.decrypt(s.value, secretAad(doc._id, s.id))),
      health: doc.health,
    };
  }

  async update(id: string, patch: { url?: string; description?: string | null; eventTypes?: StoreEventType[]; enabled?: boolean; by: string }): Promise<StoreEndpointView | null> {
    const doc = await this.endpoints.findOne({ _id: id });
    if (!doc) return null;
    const set: Partial<StoreEndpointDoc> = { updatedAt: this.iso(), updatedBy: patch.by };
    const unset: Record<string, ''> = {};
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.eventTypes !== undefined) set.eventTypes = patch.eventTypes;
    if (patch.description === null) unset.description = '';
    else if (patch.description !== undefined) set.description = patch.description;
    if (patch.enabled === true && !doc.enabled) {
      // Re-enabled by hand: its failure streak starts again.
      set.enabled = true;
      set.health = { ...doc.health };
      delete set.health.failingSince;
      unset.disabledAt = '';
      unset.disabledReason = '';
    } else if (patch.enabled === false && doc.enabled) {
      set.enabled = false;
      set.disabledAt = this.iso();
      set.disabledReason = `disabled by ${patch.by}`;
    }
    await this.endpoints.updateOne({ _id: id }, { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) });
    return this.get(id);
  }

  /** A new signing secret first; the current ones stay valid for `overlapHours` (0 = at once gone). */
  async rotateSecret(id: string, secret: string, overlapHours: number, by: string): Promise<StoreEndpointView | null> {
    const doc = await this.endpoints.findOne({ _id: id });
    if (!doc) return null;
    const at = this.iso();
    const until = new Date(this.now() + overlapHours * 3_600_000).toISOString();
    const secretId = `s_${randomBytes(4).toString('hex')}`;
    const kept = doc.secrets
      .filter((s) => !s.expiresAt || s.expiresAt > at)
      .filter(() => overlapHours > 0)
      .map((s) => ({ ...s, expiresAt: s.expiresAt && s.expiresAt < until ? s.expiresAt : until }));
    const secrets = [{ id: secretId, value: this.box.encrypt(secret, secretAad(id, secretId)), createdAt: at }, ...kept];
    await this.endpoints.updateOne({ _id: id }, { $set: { secrets, updatedAt: at, updatedBy: by } });
    return this.get(id);
  }

  async remove(id: string): Promise<boolean> {
    return (await this.endpoints.deleteOne({ _id: id })).deletedCount === 1;
  }

  /** Health after an attempt. Concurrent attempts may overwrite each other's timestamps: it is a gauge. */
  async recordHealth(id: string, ok: boolean, error?: string): Promise<StoreEndpointHealth | null> {
    const doc = await this.endpoints.findOne({ _id: id });
    if (!doc) return null;
    const at = this.iso();
    const health: StoreEndpointHealth = ok
      ? { ...(doc.health.lastFailureAt ? { lastFailureAt: doc.health.lastFailureAt } : {}), ...(doc.health.lastError ? { lastError: doc.health.lastError } : {}), lastSuccessAt: at }
      : { ...doc.health, lastFailureAt: at, failingSince: doc.health.failingSince ?? at, ...(error ? { lastError: error } : {}) };
    await this.endpoints.updateOne({ _id: id }, { $set: { health } });
    return health;
  }

  async disable(id: string, reason: string): Promise<void> {
    await this.endpoints.updateOne({ _id: id }, { $set: { enabled: false, disabledAt: this.iso(), disabledReason: reason } });
  }

  delivery(endpointId: string, eventId: string): Promise<StoreDeliveryDoc | null> {
    return this.deliveries.findOne({ _id: deliveryId(endpointId, eventId) });
  }

  /** Several deliveries by id (point reads: the console lists an endpoint's deliveries for events it read from the feed). */
  async deliveriesFor(endpointId: string, eventIds: string[]): Promise<Map<string, StoreDeliveryDoc>> {
    const docs = await Promise.all(eventIds.map((e) => this.deliveries.findOne({ _id: deliveryId(endpointId, e) })));
    return new Map(docs.filter((d): d is StoreDeliveryDoc => d !== null).map((d) => [d.eventId, d]));
  }

  async recordAttempt(
    endpointId: string,
    event: { id: string; orderId: string; type: StoreEventType },
    outcome: { status: DeliveryStatus; statusCode?: number; error?: string; latencyMs?: number; replay?: boolean },
  ): Promise<void> {
    const at = this.iso();
    const set: Partial<StoreDeliveryDoc> = { status: outcome.status, lastAttemptAt: at };
    if (outcome.statusCode !== undefined) set.lastStatusCode = outcome.statusCode;
    if (outcome.latencyMs !== undefined) set.lastLatencyMs = outcome.latencyMs;
    if (outcome.error !== undefined) set.lastError = outcome.error;
    if (outcome.status === 'delivered') set.deliveredAt = at;
    await this.deliveries.updateOne(
      { _id: deliveryId(endpointId, event.id) },
      {
        $set: set,
        $inc: { attempts: outcome.status === 'skipped' ? 0 : 1, ...(outcome.replay ? { replays: 1 } : {}) },
        $setOnInsert: { endpointId, eventId: event.id, orderId: event.orderId, type: event.type, firstAttemptAt: at },
      },
      { upsert: true },
    );
  }
}

function view(d: StoreEndpointDoc): StoreEndpointView {
  return {
    id: d._id,
    url: d.url,
    ...(d.description ? { description: d.description } : {}),
    eventTypes: d.eventTypes,
    secrets: d.secrets.map((s) => ({ id: s.id, createdAt: s.createdAt, ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}) })),
    enabled: d.enabled,
    ...(d.disabledAt ? { disabledAt: d.disabledAt } : {}),
    ...(d.disabledReason ? { disabledReason: d.disabledReason } : {}),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    updatedBy: d.updatedBy,
    health: d.health,
  };
}
