// Payloads as the Temporal Web UI and CLI send them to a codec server: proto3 JSON, where every bytes
// field is base64 — `{"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"..."}]}`.
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

// Standard or URL-safe alphabet, padding optional: proto3 JSON parsers must accept both.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

const payloadJson = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
});

export const payloadsBody = z.object({ payloads: z.array(payloadJson) });

export type PayloadJson = z.infer<typeof payloadJson>;

export function payloadFromJson(j: PayloadJson): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(j.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(j.data ?? '', 'base64'),
  };
}

export function payloadToJson(p: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}
