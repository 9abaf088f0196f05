// The OpenAPI document is well formed, describes every JSON route Express serves (and only those), and
// /docs renders it from locally served Swagger UI assets. The HTML pages mounted beside the API (the
// tracking page, the ops console) are documented with their code, not here.
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/api/openapi/document';
import { apiRoutes } from '../../src/api/openapi/routes';
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
