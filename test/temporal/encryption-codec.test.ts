import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecKeys } from '../../src/temporal/codec-keys';
import { ENCRYPTED_ENCODING, EncryptionCodec, isEncrypted, KEY_ID_METADATA, PayloadDecryptionError } from '../../src/temporal/encryption-codec';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const text = (u: Uint8Array | null | undefined) => Buffer.from(u ?? []).toString('utf8');

const payloadArb: fc.Arbitrary<Payload> = fc.record({
  metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 64 })),
  data: fc.uint8Array({ maxLength: 2048 }),
});

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(codecKeys({ id: 'c1', key: k1 }));

  it('round-trips any payload, metadata included, and names its key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(payloadArb, { maxLength: 5 }), async (payloads) => {
        const encoded = await codec.encode(payloads);
        for (const e of encoded) {
          expect(text(e.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
          expect(text(e.metadata?.[KEY_ID_METADATA])).toBe('c1');
          expect(Object.keys(e.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA]);
        }
        const decoded = await codec.decode(encoded);
        expect(decoded.map(norm)).toEqual(payloads.map(norm));
      }),
    );
  });

  it('hides the plaintext and the original encoding, and never reuses an IV', async () => {
    const p = defaultPayloadConverter.toPayload({ name: 'Asha Verma', phone: '9876543210' });
    const [a, b] = await codec.encode([p, p]);
    for (const e of [a!, b!]) {
      expect(Buffer.from(e.data!).includes('Asha Verma')).toBe(false);
      expect(Buffer.from(e.data!).includes('json/plain')).toBe(false);
    }
    expect(Buffer.from(a!.data!).subarray(0, 12)).not.toEqual(Buffer.from(b!.data!).subarray(0, 12));
    expect(defaultPayloadConverter.fromPayload((await codec.decode([a!]))[0]!)).toEqual({ name: 'Asha Verma', phone: '9876543210' });
  });

  it('passes payloads that are not encrypted through unchanged (history from before the codec)', async () => {
    const plain = defaultPayloadConverter.toPayload('hello');
    expect(isEncrypted(plain)).toBe(false);
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('rotates: after a new current key, payloads under the old key still decode; new ones use the new id', async () => {
    const before = await codec.encode([defaultPayloadConverter.toPayload('under c1')]);
    const rotated = new EncryptionCodec(codecKeys({ id: 'c2', key: k2 }, [{ id: 'c1', key: k1 }]));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode(before))[0]!)).toBe('under c1');
    const after = await rotated.encode([defaultPayloadConverter.toPayload('under c2')]);
    expect(text(after[0]!.metadata?.[KEY_ID_METADATA])).toBe('c2');
    // Dropping c1 too early is loud, and names the id to restore.
    const dropped = new EncryptionCodec(codecKeys({ id: 'c2', key: k2 }));
    await expect(dropped.decode(before)).rejects.toThrow(/key id "c1", which is not configured/);
  });

  it('refuses tampered, truncated or relabelled payloads without echoing data or keys', async () => {
    const [e] = await codec.encode([defaultPayloadConverter.toPayload('Flat 4B, MG Road, Pune')]);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: e!.data!.length - 1 }), fc.integer({ min: 1, max: 255 }), async (i, flip) => {
        const data = Buffer.from(e!.data!);
        data[i]! ^= flip;
        await expect(codec.decode([{ ...e!, data }])).rejects.toThrow(PayloadDecryptionError);
      }),
      { numRuns: 50 },
    );
    await expect(codec.decode([{ ...e!, data: e!.data!.subarray(0, 20) }])).rejects.toThrow(/truncated/);
    const otherKey = new EncryptionCodec(codecKeys({ id: 'c1', key: k2 }));
    const err = (await otherKey.decode([e!]).then(
      () => new Error('expected a rejection'),
      (x: unknown) => x,
    )) as Error;
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect(err.message).toMatch(/could not be decrypted/);
    for (const secret of ['MG Road', k1, k2, Buffer.from(e!.data!).toString('base64')]) expect(err.message).not.toContain(secret);
    const { [KEY_ID_METADATA]: _dropped, ...noKid } = e!.metadata!;
    await expect(codec.decode([{ ...e!, metadata: noKid }])).rejects.toThrow(/no encryption-key-id header/);
  });
});

/** Protobuf decoding yields Buffers and drops nothing: compare bytes, not object identity. */
function norm(p: Payload) {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('hex')])),
    data: Buffer.from(p.data ?? []).toString('hex'),
  };
}
