// Secrets at rest: AES-256-GCM with a key id on every value, so keys can rotate. New values use the
// current key; values under an old key still decrypt (and `needsRotation` says to re-encrypt them).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptedValue } from '../storage/types';

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

export interface SecretKeys {
  current: { id: string; key: Buffer };
  old: Array<{ id: string; key: Buffer }>;
}

function decodeKey(id: string, b64: string): { id: string; key: Buffer } {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) throw new SecretBoxError(`secrets key ${id} must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return { id, key };
}

/** From SECRETS_KEY (base64), SECRETS_KEY_ID and SECRETS_OLD_KEYS (`kid:base64` entries). */
export function keysFromConfig(c: { SECRETS_KEY?: string; SECRETS_KEY_ID: string; SECRETS_OLD_KEYS?: string[] }, devFallback?: () => string): SecretKeys {
  const current = c.SECRETS_KEY ?? devFallback?.();
  if (!current) throw new SecretBoxError('SECRETS_KEY is not set');
  return {
    current: decodeKey(c.SECRETS_KEY_ID, current),
    old: (c.SECRETS_OLD_KEYS ?? []).map((entry) => {
      const i = entry.indexOf(':');
      if (i <= 0) throw new SecretBoxError('SECRETS_OLD_KEYS entries must look like kid:base64key');
      return decodeKey(entry.slice(0, i), entry.slice(i + 1));
    }),
  };
}

export class SecretBox {
  constructor(private readonly keys: SecretKeys) {}

  encrypt(plaintext: string, aad = ''): EncryptedValue {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.current.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { kid: this.keys.current.id, iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  /** `aad` binds the value to where it is stored (e.g. "couriers/shiprocket/apiSecret"): a value copied elsewhere fails. */
  decrypt(v: EncryptedValue, aad = ''): string {
    const k = v.kid === this.keys.current.id ? this.keys.current : this.keys.old.find((o) => o.id === v.kid);
    if (!k) throw new SecretBoxError(`no key with id ${v.kid} (was it removed from SECRETS_OLD_KEYS?)`);
    try {
      const d = createDecipheriv('aes-256-gcm', k.key, Buffer.from(v.iv, 'base64'));
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(Buffer.from(v.tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(v.ct, 'base64')), d.final()]).toString('utf8');
    } catch {
      // Never include the ciphertext or key material in the message.
      throw new SecretBoxError(`secret under key ${v.kid} could not be decrypted (wrong key or tampered value)`);
    }
  }

  needsRotation(v: EncryptedValue): boolean {
    return v.kid !== this.keys.current.id;
  }
}
