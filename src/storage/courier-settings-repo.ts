// Courier settings, one document per courier keyed by its id: `apiConfig` keeps the shape the store's
// own courier documents already have (provider shiprocket/delhivery/manual, apiKey, apiSecret,
// webhookSecret, baseUrl, enabled), and `fields` adds the courier-specific, non-secret values (pickup
// pincode, warehouse name, …). Secrets are encrypted with the SecretBox, bound to where they live (AAD
// `couriers/<id>/<field>`), write-only through the API: a read says whether each is set and under
// which key, never what it is.
import type { CourierId } from '../domain/events';
import type { SecretBox } from '../lib/secret-box';
import type { Collections } from './collections';
import type { CourierSettingsDoc, EncryptedValue } from './types';

export const SECRET_FIELDS = ['apiKey', 'apiSecret', 'webhookSecret'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

export type CourierProvider = CourierSettingsDoc['apiConfig']['provider'];

/**
 * A PUT: non-secret settings are replaced as given; each secret is write-only:
 * omitted (undefined) → kept, null → cleared, a string → replaced.
 */
export interface CourierSettingsInput {
  provider: CourierProvider;
  enabled: boolean;
  baseUrl?: string;
  apiKey?: string | null;
  apiSecret?: string | null;
  webhookSecret?: string | null;
  fields: Record<string, string>;
}

/**
 * What the worker's courier registry and the webhook receiver use (`getDecrypted`). Secrets in clear:
 * keep this object in memory only, never log or return it.
 * - shiprocket: apiKey = API user email, apiSecret = its password, webhookSecret = the dashboard's
 *   "security token" (sent as `x-api-key`); fields: pickupLocation, pickupPincode, courierCompanyId?
 * - delhivery: apiKey = API token, webhookSecret = the static header value; fields: warehouseName,
 *   shippingMode?, webhookHeaderName?
 * - icarry: apiKey = API key (also the `token` its callbacks carry); fields: username, pickupAddressId,
 *   pickupPincode, returnAddressId?, shipmentMode?
 * - any courier: fields.webhookScheme = 'hmac-sha256' switches its webhooks to the generic HMAC scheme
 *   keyed with webhookSecret.
 */
export interface DecryptedCourierSettings {
  courierId: CourierId;
  provider: CourierProvider;
  enabled: boolean;
  baseUrl?: string;
  apiKey?: string;
  apiSecret?: string;
  webhookSecret?: string;
  fields: Record<string, string>;
  updatedAt: string;
  /** Changes whenever the settings change: the registry's cache key. */
  version: string;
}

export type SecretState = { set: false } | { set: true; keyId: string; needsRotation: boolean };

export interface CourierSettingsView {
  courierId: CourierId;
  apiConfig: { provider: CourierProvider; enabled: boolean; baseUrl?: string } & Record<SecretField, SecretState>;
  fields: Record<string, string>;
  updatedAt: string;
  updatedBy: string;
}

export interface RotationReport {
  rotated: number;
  /** Values no configured key opens (a key was dropped from SECRETS_OLD_KEYS too early). */
  failed: Array<{ courierId: string; field: SecretField; keyId: string }>;
}

export const secretAad = (courierId: string, field: SecretField) => `couriers/${courierId}/${field}`;

export class CourierSettingsRepo {
  constructor(
    private readonly cols: Collections,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  async getView(courierId: CourierId): Promise<CourierSettingsView | null> {
    const doc = await this.cols.couriers.findOne({ _id: courierId });
    return doc ? this.view(courierId, doc) : null;
  }

  async put(courierId: CourierId, input: CourierSettingsInput, by: string): Promise<CourierSettingsView> {
    const set: Record<string, unknown> = {
      'apiConfig.provider': input.provider,
      'apiConfig.enabled': input.enabled,
      fields: input.fields,
      updatedAt: new Date(this.now()).toISOString(),
      updatedBy: by,
    };
    const unset: Record<string, ''> = {};
    if (input.baseUrl !== undefined) set['apiConfig.baseUrl'] = input.baseUrl;
    else unset['apiConfig.baseUrl'] = '';
    for (const f of SECRET_FIELDS) {
      const v = input[f];
      if (typeof v === 'string') set[`apiConfig.${f}`] = this.box.encrypt(v, secretAad(courierId, f));
      else if (v === null) unset[`apiConfig.${f}`] = '';
    }
    // Field-level $set/$unset: a secret the request omits is never read, rewritten or lost.
    await this.cols.couriers.updateOne({ _id: courierId }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { upsert: true });
    return (await this.getView(courierId))!;
  }

  /** Null when the courier has no settings. Values under an old key are re-encrypted under the current one. */
  async getDecrypted(courierId: CourierId): Promise<DecryptedCourierSettings | null> {
    const doc = await this.cols.couriers.findOne({ _id: courierId });
    if (!doc) return null;
    const out: DecryptedCourierSettings = {
      courierId,
      provider: doc.apiConfig.provider,
      enabled: doc.apiConfig.enabled,
      ...(doc.apiConfig.baseUrl ? { baseUrl: doc.apiConfig.baseUrl } : {}),
      fields: doc.fields ?? {},
      updatedAt: doc.updatedAt,
      version: doc.updatedAt,
    };
    for (const f of SECRET_FIELDS) {
      const v = doc.apiConfig[f];
      if (!v) continue;
      out[f] = this.box.decrypt(v, secretAad(courierId, f));
      if (this.box.needsRotation(v)) await this.reencrypt(courierId, f, v, out[f]!);
    }
    return out;
  }

  /** The worker's courier registry reads settings through this (CourierSettingsSource). */
  resolve(courierId: CourierId): Promise<DecryptedCourierSettings | null> {
    return this.getDecrypted(courierId);
  }

  /** Re-encrypts every secret stored under an old key (POST /api/admin/secrets/rotate). */
  async rotateAll(): Promise<RotationReport> {
    const report: RotationReport = { rotated: 0, failed: [] };
    for (const doc of await this.cols.couriers.find({}).toArray()) {
      for (const f of SECRET_FIELDS) {
        const v = doc.apiConfig[f];
        if (!v || !this.box.needsRotation(v)) continue;
        let plain: string;
        try {
          plain = this.box.decrypt(v, secretAad(doc._id, f));
        } catch {
          report.failed.push({ courierId: doc._id, field: f, keyId: v.kid });
          continue;
        }
        if (await this.reencrypt(doc._id, f, v, plain)) report.rotated++;
      }
    }
    return report;
  }

  /** Conditional on the old ciphertext, so a concurrent PUT of a new value is never overwritten. */
  private async reencrypt(courierId: string, f: SecretField, old: EncryptedValue, plain: string): Promise<boolean> {
    const r = await this.cols.couriers.updateOne(
      { _id: courierId, [`apiConfig.${f}.ct`]: old.ct },
      { $set: { [`apiConfig.${f}`]: this.box.encrypt(plain, secretAad(courierId, f)) } },
    );
    return r.modifiedCount === 1;
  }

  private view(courierId: CourierId, doc: CourierSettingsDoc): CourierSettingsView {
    const state = (v: EncryptedValue | undefined): SecretState => (v ? { set: true, keyId: v.kid, needsRotation: this.box.needsRotation(v) } : { set: false });
    return {
      courierId,
      apiConfig: {
        provider: doc.apiConfig.provider,
        enabled: doc.apiConfig.enabled,
        ...(doc.apiConfig.baseUrl ? { baseUrl: doc.apiConfig.baseUrl } : {}),
        apiKey: state(doc.apiConfig.apiKey),
        apiSecret: state(doc.apiConfig.apiSecret),
        webhookSecret: state(doc.apiConfig.webhookSecret),
      },
      fields: doc.fields ?? {},
      updatedAt: doc.updatedAt,
      updatedBy: doc.updatedBy,
    };
  }
}
