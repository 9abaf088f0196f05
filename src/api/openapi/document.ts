// Builds the OpenAPI 3.1 document from the route table. zod's toJSONSchema emits JSON Schema 2020-12,
// which is OpenAPI 3.1's schema dialect, so schemas go in unchanged.
import { z } from 'zod';
import { courierIds } from '../../couriers/registry';
import { errorResponse } from '../response-schemas';
import { apiRoutes, type RouteDoc } from './routes';
import { STORE_TAGS, storeEventWebhooks } from './store-events';

type Json = Record<string, unknown>;

/** Express `/a/:id/b` → OpenAPI `/a/{id}/b`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export function buildOpenApiDocument(info: { version: string; serverUrl?: string }): Json {
  const components: Json = {};
  const schema = (s: z.ZodType, io: 'input' | 'output'): Json => {
    // Named schemas (`.meta({id})`) come back in $defs: they become components, referenced everywhere.
    const generated = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
    const { $schema: _dialect, $defs, ...rest } = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
    if ($defs && typeof $defs === 'object') Object.assign(components, $defs);
    return rest;
  };

  const paths: Record<string, Json> = {};
  const routes = apiRoutes();
  for (const r of routes) {
    (paths[openApiPath(r.path)] ??= {})[r.method] = operation(r, schema);
  }
  schema(errorResponse, 'output');
  // Courier ids are checked against the registry when parsed; the document lists the ones registered now.
  if (components.CourierId) components.CourierId = { ...(components.CourierId as Json), type: 'string', enum: courierIds() };
  if (components.CourierProvider) components.CourierProvider = { ...(components.CourierProvider as Json), type: 'string', enum: [...courierIds(), 'manual'] };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Waybill API',
      version: info.version,
      description: 'Orders, shipments, NDRs and courier webhooks. Admin endpoints take `Authorization: Bearer <token>`; webhooks authenticate with each courier\'s own scheme.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => STORE_TAGS.find((t) => t.name === name) ?? { name }),
    paths,
    // What Waybill sends to the store's own system (OpenAPI 3.1 webhooks).
    webhooks: storeEventWebhooks(schema),
    components: {
      schemas: components,
      securitySchemes: {
        adminBearer: { type: 'http', scheme: 'bearer', description: 'One of ADMIN_API_TOKENS' },
      },
    },
  };
}

function operation(r: RouteDoc, schema: (s: z.ZodType, io: 'input' | 'output') => Json): Json {
  const parameters: Json[] = [];
  const addParams = (obj: z.ZodType | undefined, where: 'path' | 'query') => {
    if (!obj) return;
    const json = schema(obj, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, s] of Object.entries(json.properties ?? {})) {
      parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
    }
  };
  addParams(r.params, 'path');
  addParams(r.query, 'query');
  if (r.idempotent) {
    parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'A retried request with the same key is answered, not applied twice.', schema: { type: 'string', minLength: 8, maxLength: 100 } });
  }

  const errorRef = { $ref: '#/components/schemas/Error' };
  const responses: Json = {
    [String(r.ok.status)]: {
      description: r.ok.description,
      ...(r.ok.schema ? { content: { 'application/json': { schema: schema(r.ok.schema, 'output') } } } : r.ok.contentType ? { content: { [r.ok.contentType]: {} } } : {}),
    },
  };
  const errorStatuses = new Set<number>(r.errors ?? []);
  if (r.auth !== 'none') errorStatuses.add(401);
  if (r.params || r.query || r.body || r.rawBody) errorStatuses.add(400);
  for (const status of [...errorStatuses].sort()) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? 'error',
      ...(status === 503 || status === 429 ? { headers: { 'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: errorRef } },
    };
  }

  return {
    operationId: operationId(r),
    tags: [r.tag],
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    ...(r.auth === 'admin' ? { security: [{ adminBearer: [] }] } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(r.body, 'input') } } } } : {}),
    ...(r.rawBody ? { requestBody: { required: true, description: "The courier's payload, verbatim", content: { '*/*': { schema: {} } } } } : {}),
    responses,
  };
}

const ERROR_TEXT: Record<number, string> = {
  400: 'validation failed or malformed body',
  401: 'authentication failed',
  404: 'not found',
  409: 'conflicts with the current state',
  413: 'body too large',
  422: 'refused (see details.code)',
  429: 'rate limited',
  503: 'a dependency (Temporal, a worker, the database) did not answer, or the server is shedding load; retrying is safe (see Retry-After)',
};

function operationId(r: RouteDoc): string {
  const words = r.path
    .replace(/^\/api\//, '/')
    .split(/[/{}:.-]+/)
    .filter(Boolean);
  return r.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
