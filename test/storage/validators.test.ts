// Collection validators: skipped cleanly where the server has none (FerretDB v1), and, where MongoDB
// enforces them, satisfied by everything the repositories write while refusing plaintext secrets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CourierSettingsRepo } from '../../src/storage/courier-settings-repo';
import { InboxRepo } from '../../src/storage/inbox-repo';
import type { Mongo } from '../../src/storage/mongo';
import { applyValidators, validators } from '../../src/storage/validators';
import { testSecretBox } from '../support/api';
import { bsonSchemaErrors } from '../support/bson-schema';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
beforeAll(async () => {
  mongo = await freshMongo('validators');
});
afterAll(async () => mongo.close());

const schemaOf = (collection: string) => (validators()[collection] as { $jsonSchema: Parameters<typeof bsonSchemaErrors>[1] }).$jsonSchema;

describe('applyValidators', () => {
  it('reports FerretDB v1 as not enforcing them, and leaves the collections usable (idempotent)', async () => {
    const first = await applyValidators(mongo.db);
    expect(first).toEqual({ enforced: [], unsupported: ['couriers', 'webhook_inbox'] });
    expect(await applyValidators(mongo.db)).toEqual(first);
    await mongo.cols.couriers.insertOne({ _id: 'x', apiConfig: { provider: 'manual', enabled: false }, fields: {}, updatedAt: 'now', updatedBy: 't' });
  });
});

describe('the validator documents', () => {
  it('accept courier settings as the repository writes them, and refuse a plaintext secret', async () => {
    const repo = new CourierSettingsRepo(mongo.cols, testSecretBox());
    await repo.put('shiprocket', { provider: 'shiprocket', enabled: true, baseUrl: 'https://x.example', apiKey: 'k', apiSecret: 's', webhookSecret: 'w', fields: { pickupLocation: 'P' } }, 'admin:0');
    await repo.put('delhivery', { provider: 'manual', enabled: false, fields: {} }, 'admin:0');
    for (const doc of await mongo.cols.couriers.find({ _id: { $in: ['shiprocket', 'delhivery'] } }).toArray()) {
      expect(bsonSchemaErrors(doc, schemaOf('couriers'))).toEqual([]);
    }
    const plaintext = { _id: 'icarry', apiConfig: { provider: 'icarry', enabled: true, apiKey: 'in-clear' }, fields: {}, updatedAt: 'now', updatedBy: 'x' };
    expect(bsonSchemaErrors(plaintext, schemaOf('couriers'))).toEqual(['$.apiConfig.apiKey: not a object']);
  });

  it('accept inbox documents as the repository writes them', async () => {
    const inbox = new InboxRepo(mongo.db);
    const now = new Date().toISOString();
    await inbox.insert({
      _id: 'abc',
      courier: 'delhivery',
      endpoint: '/api/webhooks/courier/delhivery',
      receivedAt: now,
      rawBody: '{}',
      deliveries: [{ awb: 'A1', status: 'pending', attempts: 0, events: [] }],
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      updatedAt: now,
    });
    await inbox.saveOutcome({ _id: 'abc', courier: 'delhivery', receivedAt: now }, { deliveries: [{ awb: 'A1', orderId: 'O1', status: 'delivered', attempts: 1, deliveredAt: now, events: [] }], status: 'delivered', attempts: 1, nextAttemptAt: now });
    expect(bsonSchemaErrors(await mongo.cols.inbox.findOne({ _id: 'abc' }), schemaOf('webhook_inbox'))).toEqual([]);
    expect(bsonSchemaErrors({ courier: 'dhl', status: 'lost' }, schemaOf('webhook_inbox'))).toEqual(expect.arrayContaining(['$.courier: not one of ["shiprocket","delhivery","icarry"]', '$.rawBody: required']));
  });
});
