import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError, keysFromConfig } from '../../src/lib/secret-box';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('round-trips any string and never stores the plaintext', () => {
    const box = new SecretBox(keysFromConfig({ SECRETS_KEY: k1, SECRETS_KEY_ID: 'k1' }));
    fc.assert(
      fc.property(fc.string({ minLength: 4 }), (s) => {
        const v = box.encrypt(s, 'aad');
        expect(JSON.stringify(v)).not.toContain(s.length > 6 ? s : '\u0000impossible');
        expect(box.decrypt(v, 'aad')).toBe(s);
      }),
    );
  });

  it('rotates: values under an old key decrypt and are flagged for re-encryption', () => {
    const old = new SecretBox(keysFromConfig({ SECRETS_KEY: k1, SECRETS_KEY_ID: 'k1' }));
    const v = old.encrypt('shiprocket-password', 'couriers/shiprocket/apiSecret');
    const rotated = new SecretBox(keysFromConfig({ SECRETS_KEY: k2, SECRETS_KEY_ID: 'k2', SECRETS_OLD_KEYS: [`k1:${k1}`] }));
    expect(rotated.needsRotation(v)).toBe(true);
    expect(rotated.decrypt(v, 'couriers/shiprocket/apiSecret')).toBe('shiprocket-password');
    const again = rotated.encrypt('shiprocket-password', 'couriers/shiprocket/apiSecret');
    expect(again.kid).toBe('k2');
    expect(rotated.needsRotation(again)).toBe(false);
  });

  it('refuses a tampered value, a value moved to another field, and an unknown key, without leaking it', () => {
    const box = new SecretBox(keysFromConfig({ SECRETS_KEY: k1, SECRETS_KEY_ID: 'k1' }));
    const v = box.encrypt('top-secret-token', 'a');
    expect(() => box.decrypt({ ...v, ct: Buffer.from('x' + v.ct).toString('base64') }, 'a')).toThrow(SecretBoxError);
    expect(() => box.decrypt(v, 'b')).toThrow(/could not be decrypted/);
    expect(() => box.decrypt({ ...v, kid: 'gone' }, 'a')).toThrow(/no key with id gone/);
    try {
      box.decrypt(v, 'b');
    } catch (e) {
      expect(String(e)).not.toContain('top-secret-token');
      expect(String(e)).not.toContain(k1);
    }
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => keysFromConfig({ SECRETS_KEY: Buffer.from('short').toString('base64'), SECRETS_KEY_ID: 'k1' })).toThrow(/32 bytes/);
    expect(() => keysFromConfig({ SECRETS_KEY: k1, SECRETS_KEY_ID: 'k1', SECRETS_OLD_KEYS: ['nocolon'] })).toThrow(/kid:base64key/);
  });
});
