// The OpenAPI document is well formed, describes every JSON route Express serves (and only those), and
// /docs renders it from locally served Swagger UI assets. The HTML pages mounted beside the API (the
// tracking page, the ops console) are documented with their code, not here.
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/api/openapi/document';
import { apiRoutes } from '../../src/api/openapi/routes';
import { EXAMPLE_SIGNING_SECRET } from '../../src/api/openapi/store-events';
import { storeEventBodySchema, storeEventBodySchemaFor } from '../../src/api/store-webhook-responses';
import { STORE_EVENT_TYPES } from '../../src/domain/store-events';
import { verifyWebhook } from '../../src/lib/standard-webhooks';
import type { Mongo } from '../../src/storage/mongo';
import { auth, testApp } from '../support/api';
import { freshMongo } from '../support/mongo';

let mongo: Mongo;
let app: Express;
let doc: OpenApiDoc;

interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: object }>;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: object }> }>;
  security?: unknown[];
}
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  webhooks: Record<string, Record<string, Operation>>;
  tags: Array<{ name: string; description?: string }>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, object> };
}

beforeAll(async () => {
  mongo = await freshMongo('openapi');
  app = testApp(mongo);
  doc = (await request(app).get('/openapi.json').expect(200).expect('Content-Type', /json/)).body as OpenApiDoc;
});
afterAll(async () => mongo.close());

/** Every (method, path) Express would route, read from its router stack (Express 5 / router 2). */
function expressRoutes(app: Express): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: string };
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const l of stack) {
      if (l.route) for (const m of Object.keys(l.route.methods)) out.push(`${m} ${(prefix + l.route.path).replace(/(.)\/$/, '$1')}`);
      else if (l.handle?.stack) walk(l.handle.stack, prefix + (l.rawPath && l.rawPath !== '/' ? l.rawPath : ''));
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

describe('/openapi.json', () => {
  it('is an OpenAPI 3.1 document with operations, responses and unique operation ids', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Waybill API', version: expect.any(String) });
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\//);
      for (const [method, op] of Object.entries(ops)) {
        expect(['get', 'post', 'put', 'delete', 'patch']).toContain(method);
        expect(ids.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
        ids.add(op.operationId);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const [status, r] of Object.entries(op.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(r.description).toBeTruthy();
        }
        // Every {param} in the path is declared as a required path parameter, and nothing else is.
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort()).toEqual(templated.sort());
        expect(declared.every((p) => p.required)).toBe(true);
      }
    }
  });

  it('resolves every $ref within the document', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
  });

  it('documents the query parameters of refined schemas too (analytics)', () => {
    const names = doc.paths['/api/analytics']!.get!.parameters!.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['from', 'to', 'courier', 'bucket', 'format', 'syncWindowHours']));
  });

  it('uses the same schemas that validate requests (e.g. the pincode rule and the batch bound)', () => {
    const create = doc.paths['/api/orders']!.post!.requestBody!.content['application/json']!.schema as { properties: Record<string, { properties: Record<string, { pattern?: string }> }> };
    expect(create.properties.shippingAddress!.properties.pincode!.pattern).toBe('^[1-9]\\d{5}$');
    const batch = JSON.stringify(doc.paths['/api/tracking/sync']!.post!.requestBody);
    expect(batch).toContain('"maxItems":100');
  });

  it('documents every route Express serves, and no route it does not', () => {
    const served = new Set(
      expressRoutes(app)
        .filter((r) => !r.startsWith('get /docs/')) // Swagger UI's own assets
        .filter((r) => !/^\w+ \/(ops|order-tracking)(\/|$)/.test(r)) // HTML pages
        .map((r) => {
          const [method, path] = r.split(' ') as [string, string];
          return `${method} ${openApiPath(path)}`;
        }),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
    expect([...served].sort()).toEqual([...documented].sort());
    expect(served.size).toBe(apiRoutes().length);
  });

  it('marks admin routes with bearer auth and leaves webhooks to their couriers', () => {
    expect(doc.components.securitySchemes.adminBearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/ndr']!.get!.security).toEqual([{ adminBearer: [] }]);
    expect(doc.paths['/api/webhooks/courier/delhivery']!.post!.security).toEqual([]);
    expect(Object.keys(doc.paths['/api/webhooks/courier/delhivery']!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '413']));
  });
});

describe('/docs', () => {
  it('renders Swagger UI from local assets, pointed at /openapi.json', async () => {
    const page = await request(app).get('/docs').expect(200).expect('Content-Type', /html/);
    expect(page.text).toContain('<div id="swagger-ui">');
    const assets = [...page.text.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui-standalone-preset.js', '/docs/init.js']));
    for (const a of assets) {
      const res = await request(app).get(a).expect(200);
      expect(Number(res.headers['content-length'] ?? res.text?.length ?? 0)).toBeGreaterThan(0);
    }
    const bundle = await request(app).get('/docs/swagger-ui-bundle.js').expect(200).expect('Content-Type', /javascript/);
    expect(bundle.text).toContain('SwaggerUIBundle');
    expect((await request(app).get('/docs/init.js').expect(200)).text).toContain("url: '/openapi.json'");
    await request(app).get('/docs/package.json').expect(404);
    await request(app).get('/docs/..%2f..%2fpackage.json').expect(404);
  });

  it('is served without a token and holds no secrets', async () => {
    await request(app).get('/openapi.json').expect(200);
    const text = JSON.stringify(doc);
    expect(text).not.toContain(auth.Authorization.slice(7));
  });
});

describe('the store integration in /openapi.json', () => {
  it('documents every store-webhook admin route and GET /api/events, with their errors', () => {
    const ops: Array<[string, string, string[]]> = [
      ['/api/admin/store-webhooks', 'get', ['200', '401']],
      ['/api/admin/store-webhooks', 'post', ['201', '400', '401']],
      ['/api/admin/store-webhooks/{id}', 'get', ['200', '400', '401', '404']],
      ['/api/admin/store-webhooks/{id}', 'patch', ['200', '400', '401', '404']],
      ['/api/admin/store-webhooks/{id}', 'delete', ['204', '400', '401', '404']],
      ['/api/admin/store-webhooks/{id}/rotate-secret', 'post', ['200', '400', '401', '404']],
      ['/api/admin/store-webhooks/{id}/deliveries', 'get', ['200', '400', '401', '404']],
      ['/api/admin/store-webhooks/{id}/replay', 'post', ['202', '400', '401', '404']],
      ['/api/events', 'get', ['200', '400', '401']],
    ];
    for (const [path, method, statuses] of ops) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(Object.keys(op!.responses).sort()).toEqual(statuses.sort());
      expect(op!.security).toEqual([{ adminBearer: [] }]);
    }
    const create = JSON.stringify(doc.paths['/api/admin/store-webhooks']!.post!.requestBody);
    expect(create).toContain('whsec_');
    expect(doc.paths['/api/events']!.get!.parameters!.map((p) => p.name)).toEqual(['after', 'limit', 'type', 'orderId']);
  });

  it('never describes a secret value in an endpoint answer', () => {
    const endpoint = doc.components.schemas.StoreEndpoint as { properties: Record<string, { items?: { properties: Record<string, unknown> } }> };
    expect(Object.keys(endpoint.properties)).not.toContain('secret');
    expect(Object.keys(endpoint.properties.secrets!.items!.properties).sort()).toEqual(['createdAt', 'expiresAt', 'id']);
  });

  it('has one webhook per store event type: Standard Webhooks headers, body schema, answers', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...STORE_EVENT_TYPES].sort());
    const operationIds = new Set(Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId)));
    for (const type of STORE_EVENT_TYPES) {
      const item = doc.webhooks[type]!;
      expect(Object.keys(item)).toEqual(['post']);
      const op = item.post! as Operation & { requestBody: { required: boolean; content: Record<string, { schema: object; example: unknown }> } };
      expect(operationIds.has(op.operationId), op.operationId).toBe(false);
      operationIds.add(op.operationId);
      const headers = op.parameters!.filter((p) => p.in === 'header');
      expect(headers.map((h) => h.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
      expect(headers.every((h) => h.required)).toBe(true);
      expect(op.requestBody.required).toBe(true);
      const body = op.requestBody.content['application/json']!;
      expect(JSON.stringify(body.schema)).toContain(`"const":"${type}"`);
      expect(Object.keys(op.responses).sort()).toEqual(['2XX', '410', 'default']);
      for (const status of Object.keys(op.responses)) expect(status).toMatch(/^([1-5](\d\d|XX)|default)$/);
      expect(op.responses.default!.description).toMatch(/3 days/);
    }
  });

  it('gives each event type a realistic example whose body parses as that type, signed as the headers say', () => {
    for (const type of STORE_EVENT_TYPES) {
      const op = doc.webhooks[type]!.post! as unknown as { parameters: Array<{ name: string; example: string }>; requestBody: { content: Record<string, { example: unknown }> } };
      const example = op.requestBody.content['application/json']!.example;
      const parsed = storeEventBodySchema.parse(example);
      expect(parsed.type).toBe(type);
      expect(storeEventBodySchemaFor(type).safeParse(example).success).toBe(true);
      // Not an empty shell: the data has the fields of its type.
      expect(Object.keys(parsed.data).length).toBeGreaterThanOrEqual(2);
      // Another type's schema refuses it.
      const other = STORE_EVENT_TYPES.find((t) => t !== type)!;
      expect(storeEventBodySchemaFor(other).safeParse(example).success).toBe(false);
      // The example headers are a real signature of the example body (the body's bytes as Waybill writes them).
      const headers = Object.fromEntries(op.parameters.map((p) => [p.name, p.example]));
      expect(headers['webhook-id']).toBe(parsed.id);
      const at = new Date(Number(headers['webhook-timestamp']) * 1000);
      expect(verifyWebhook({ headers, body: JSON.stringify(example), secrets: [EXAMPLE_SIGNING_SECRET], now: at })).toMatchObject({ id: parsed.id });
    }
  });

  it('refuses a body that is not a store event', () => {
    const ok = doc.webhooks['ndr.opened']!.post! as unknown as { requestBody: { content: Record<string, { example: Record<string, unknown> }> } };
    const example = ok.requestBody.content['application/json']!.example;
    expect(storeEventBodySchema.safeParse({ ...example, type: 'shipment.exploded' }).success).toBe(false);
    expect(storeEventBodySchema.safeParse({ ...example, sequence: 0 }).success).toBe(false);
    expect(storeEventBodySchema.safeParse({ ...example, data: { reason: 'refused' } }).success).toBe(false);
    // Fields added later within a version are let through (receivers ignore what they do not know).
    expect(storeEventBodySchema.safeParse({ ...example, region: 'west' }).success).toBe(true);
  });

  it('is well formed in every operation, in paths and in webhooks (OpenAPI 3.1 shapes)', () => {
    const declaredTags = new Set(doc.tags.map((t) => t.name));
    const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
    const items = [...Object.entries(doc.paths), ...Object.entries(doc.webhooks).map(([k, v]) => [`webhook ${k}`, v] as const)];
    for (const [where, item] of items) {
      for (const [method, op] of Object.entries(item)) {
        const at = `${method} ${where}`;
        expect(methods.has(method), at).toBe(true);
        expect(op.operationId, at).toMatch(/^[A-Za-z0-9_]+$/);
        for (const t of (op as { tags?: string[] }).tags ?? []) expect(declaredTags.has(t), `${at}: tag ${t}`).toBe(true);
        for (const p of op.parameters ?? []) {
          expect(['query', 'header', 'path', 'cookie'], at).toContain(p.in);
          expect(p.name, at).toBeTruthy();
          expect(typeof p.schema, at).toBe('object');
        }
        for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
          expect(type, at).toMatch(/^[*a-z]+\/[-+.*a-z0-9]+$/);
          expect(typeof media.schema, at).toBe('object');
        }
        for (const [status, r] of Object.entries(op.responses)) {
          expect(status, at).toMatch(/^([1-5](\d\d|XX)|default)$/);
          expect(r.description, `${at} ${status}`).toBeTruthy();
        }
        for (const req of (op.security ?? []) as Array<Record<string, unknown>>) for (const name of Object.keys(req)) expect(doc.components.securitySchemes[name], at).toBeDefined();
      }
    }
  });

  it('describes the store tags', () => {
    expect(doc.tags.find((t) => t.name === 'Store events')?.description).toMatch(/410/);
  });
});
