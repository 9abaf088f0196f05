import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { codecKeys } from '../../src/temporal/codec-keys';
import { codecRouter, type CodecServerOptions } from '../../src/temporal/codec-server';
import { EncryptionCodec } from '../../src/temporal/encryption-codec';
import { payloadToJson } from '../../src/temporal/payload-json';

const UI = 'http://localhost:8233';
const codec = new EncryptionCodec(codecKeys({ id: 'c1', key: randomBytes(32).toString('base64') }));

function app(opts: Partial<CodecServerOptions> = {}) {
  const a = express();
  a.use('/temporal-codec', codecRouter(codec, { allowedOrigins: [`${UI}/`, 'http://localhost:8080'], ...opts }));
  return a;
}
const asJson = (v: unknown) => payloadToJson(defaultPayloadConverter.toPayload(v));
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('codec server', () => {
  it('encodes and decodes payloads in the Temporal proto3-JSON contract', async () => {
    const consignee = { name: 'Asha Verma', address1: 'Flat 4B, MG Road' };
    const enc = await request(app()).post('/temporal-codec/encode').set('X-Namespace', 'default').send({ payloads: [asJson(consignee), asJson(42)] }).expect(200);
    expect(enc.body.payloads).toHaveLength(2);
    expect(enc.body.payloads[0].metadata.encoding).toBe(b64('binary/encrypted'));
    expect(enc.body.payloads[0].metadata['encryption-key-id']).toBe(b64('c1'));
    expect(JSON.stringify(enc.body)).not.toContain(b64('Asha'));
    const dec = await request(app()).post('/temporal-codec/decode').set('X-Namespace', 'default').send(enc.body).expect(200);
    expect(dec.body).toEqual({ payloads: [asJson(consignee), asJson(42)] });
  });

  it('passes through payloads it did not encrypt, and accepts an empty batch', async () => {
    await request(app()).post('/temporal-codec/decode').send({ payloads: [asJson('plain')] }).expect(200, { payloads: [asJson('plain')] });
    await request(app()).post('/temporal-codec/decode').send({ payloads: [] }).expect(200, { payloads: [] });
  });

  it('answers the UI preflight from an allowed origin with a credentialed, exact-origin CORS reply', async () => {
    const res = await request(app())
      .options('/temporal-codec/decode')
      .set('Origin', UI)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-namespace,authorization')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, X-Namespace');
    expect(res.headers.vary).toMatch(/Origin/);
    const post = await request(app()).post('/temporal-codec/decode').set('Origin', UI).send({ payloads: [] }).expect(200);
    expect(post.headers['access-control-allow-origin']).toBe(UI);
  });

  it('refuses another origin, preflight and request alike, with no CORS grant', async () => {
    for (const req of [
      request(app()).options('/temporal-codec/decode').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST'),
      request(app()).post('/temporal-codec/decode').set('Origin', 'https://evil.example').send({ payloads: [] }),
      request(app()).post('/temporal-codec/decode').set('Origin', 'http://localhost:8234').send({ payloads: [] }),
    ]) {
      const res = await req.expect(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('with tokens configured, requires a bearer token (preflight excepted) and keeps CORS headers on the 401', async () => {
    const a = app({ authTokens: ['codec-token-1', 'codec-token-2'] });
    await request(a).options('/temporal-codec/decode').set('Origin', UI).set('Access-Control-Request-Method', 'POST').expect(204);
    const denied = await request(a).post('/temporal-codec/decode').set('Origin', UI).send({ payloads: [] }).expect(401);
    expect(denied.headers['www-authenticate']).toBe('Bearer');
    expect(denied.headers['access-control-allow-origin']).toBe(UI); // so the UI can show why
    await request(a).post('/temporal-codec/decode').set('Authorization', 'Bearer wrong').send({ payloads: [] }).expect(401);
    await request(a).post('/temporal-codec/decode').set('Authorization', 'Bearer codec-token-2').send({ payloads: [] }).expect(200);
  });

  it('rejects malformed bodies with 400 and oversized ones with 413', async () => {
    const bad: Array<[string, unknown]> = [
      ['{"payloads": [', 'raw'],
      ['no payloads', {}],
      ['payloads not a list', { payloads: {} }],
      ['data not base64', { payloads: [{ data: 'not base64!' }] }],
      ['metadata value not a string', { payloads: [{ metadata: { encoding: 5 } }] }],
    ];
    for (const [what, body] of bad) {
      const req = request(app()).post('/temporal-codec/decode').set('Content-Type', 'application/json');
      const res = await (body === 'raw' ? req.send(what) : req.send(JSON.stringify(body)));
      expect(res.status, what).toBe(400);
      expect(res.body.error.code, what).toBe('validation_failed');
    }
    await request(app()).post('/temporal-codec/decode').set('Content-Type', 'text/plain').send('payloads').expect(400);
    await request(app({ bodyLimit: '1kb' })).post('/temporal-codec/encode').send({ payloads: [asJson('x'.repeat(2048))] }).expect(413);
  });

  it('reports payloads it cannot decrypt as 422, naming the key id and nothing secret', async () => {
    const [sealed] = await new EncryptionCodec(codecKeys({ id: 'retired', key: randomBytes(32).toString('base64') })).encode([defaultPayloadConverter.toPayload('9876543210')]);
    const res = await request(app()).post('/temporal-codec/decode').send({ payloads: [payloadToJson(sealed!)] }).expect(422);
    expect(res.body.error.message).toMatch(/key id "retired", which is not configured/);
    expect(JSON.stringify(res.body)).not.toContain(Buffer.from(sealed!.data!).toString('base64'));
  });

  it('refuses a wildcard or malformed origin list at start-up', () => {
    expect(() => codecRouter(codec, { allowedOrigins: ['*'] })).toThrow(/cannot be used with credentials/);
    expect(() => codecRouter(codec, { allowedOrigins: ['localhost:8080'] })).toThrow(/not an http\(s\) origin|not an origin/);
  });
});
