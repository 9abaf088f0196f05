// Server-side JSON-schema validators for the collections whose shape protects an invariant: courier
// secrets must be ciphertext (a plaintext string is refused by the database itself), and inbox documents
// must carry what the relay needs. MongoDB 7 enforces them; FerretDB v1 implements neither `collMod` nor
// `create` with a validator (both answer NotImplemented, code 238), so there they are skipped and the
// repositories' own typing is the only guard. The same code runs unchanged on both.
import { MongoServerError, type Db, type Document } from 'mongodb';
import { courierIds } from '../couriers/registry';
import { COLLECTIONS } from './collections';

const encryptedValue = {
  bsonType: 'object',
  required: ['kid', 'iv', 'ct', 'tag'],
  additionalProperties: false,
  properties: { kid: { bsonType: 'string' }, iv: { bsonType: 'string' }, ct: { bsonType: 'string' }, tag: { bsonType: 'string' } },
};

/** The validators, naming the couriers registered when called (apply them after registering any). */
export const validators = (): Record<string, Document> => ({
  [COLLECTIONS.couriers]: {
    $jsonSchema: {
      bsonType: 'object',
      required: ['apiConfig', 'fields', 'updatedAt', 'updatedBy'],
      properties: {
        apiConfig: {
          bsonType: 'object',
          required: ['provider', 'enabled'],
          additionalProperties: false,
          properties: {
            provider: { enum: [...courierIds(), 'manual'] },
            enabled: { bsonType: 'bool' },
            baseUrl: { bsonType: 'string' },
            apiKey: encryptedValue,
            apiSecret: encryptedValue,
            webhookSecret: encryptedValue,
          },
        },
        fields: { bsonType: 'object', additionalProperties: { bsonType: 'string' } },
        updatedAt: { bsonType: 'string' },
        updatedBy: { bsonType: 'string' },
      },
    },
  },
  [COLLECTIONS.inbox]: {
    $jsonSchema: {
      bsonType: 'object',
      required: ['courier', 'endpoint', 'receivedAt', 'rawBody', 'deliveries', 'status', 'attempts', 'nextAttemptAt'],
      properties: {
        courier: { enum: courierIds() },
        endpoint: { bsonType: 'string' },
        receivedAt: { bsonType: 'string' },
        rawBody: { bsonType: 'string' },
        status: { enum: ['pending', 'delivered', 'unmatched', 'rejected'] },
        attempts: { bsonType: 'number', minimum: 0 },
        nextAttemptAt: { bsonType: 'string' },
        deliveries: {
          bsonType: 'array',
          items: {
            bsonType: 'object',
            required: ['awb', 'status', 'attempts', 'events'],
            properties: {
              awb: { bsonType: 'string' },
              orderId: { bsonType: 'string' },
              status: { enum: ['pending', 'delivered', 'unmatched', 'rejected'] },
              attempts: { bsonType: 'number', minimum: 0 },
              events: { bsonType: 'array' },
            },
          },
        },
      },
    },
  },
});

const NOT_IMPLEMENTED = 238;
const COMMAND_NOT_FOUND = 59;
const NAMESPACE_NOT_FOUND = 26;

/** Applies every validator; answers which ones the server enforces. Idempotent. */
export async function applyValidators(db: Db): Promise<{ enforced: string[]; unsupported: string[] }> {
  const out = { enforced: [] as string[], unsupported: [] as string[] };
  for (const [name, validator] of Object.entries(validators())) {
    const opts = { validator, validationLevel: 'moderate', validationAction: 'error' } as const;
    try {
      try {
        await db.command({ collMod: name, ...opts });
      } catch (e) {
        if (!(e instanceof MongoServerError && e.code === NAMESPACE_NOT_FOUND)) throw e;
        await db.createCollection(name, opts);
      }
      out.enforced.push(name);
    } catch (e) {
      if (e instanceof MongoServerError && (e.code === NOT_IMPLEMENTED || e.code === COMMAND_NOT_FOUND)) out.unsupported.push(name);
      else throw e;
    }
  }
  return out;
}
