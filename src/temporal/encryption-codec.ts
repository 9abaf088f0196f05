// The payload codec that keeps personal data (consignee names, phones, emails, addresses) out of
// Temporal's history in plaintext. Each whole serialized Payload — its metadata included, so even the
// original encoding is hidden — is sealed with AES-256-GCM under the current key, and the new payload
// names the key in its `encryption-key-id` header so rotated-out keys can still open old history.
//
// Wire layout of `data`: 12-byte IV ‖ ciphertext ‖ 16-byte GCM tag (the tag where WebCrypto's AES-GCM puts
// it, so a codec written with WebCrypto in another service can open these payloads with the same key).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecKey, CodecKeys } from './codec-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const ENCODING_METADATA = 'encoding';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, CodecKey>;

  constructor(private readonly keys: CodecKeys) {
    this.byId = new Map([keys.current, ...keys.old].map((k) => [k.id, k]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.seal(p));
  }

  /** Payloads that are not encrypted pass through: history written before the codec existed stays readable. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => (isEncrypted(p) ? this.open(p) : p));
  }

  private seal(payload: Payload): Payload {
    const { id, key } = this.keys.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [ENCODING_METADATA]: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(id) },
      data: sealed,
    };
  }

  private open(payload: Payload): Payload {
    const kidBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!kidBytes) throw new PayloadDecryptionError(`encrypted payload has no ${KEY_ID_METADATA} header`);
    const kid = fromUtf8.decode(kidBytes);
    const k = this.byId.get(kid);
    if (!k) throw new PayloadDecryptionError(`payload encrypted with key id "${printable(kid)}", which is not configured (add it to CODEC_OLD_KEYS)`);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload under key ${k.id} is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', k.key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plaintext);
    } catch {
      // Neither ciphertext nor key material goes into the message (it reaches logs and the UI).
      throw new PayloadDecryptionError(`payload under key ${k.id} could not be decrypted (wrong key or tampered data)`);
    }
  }
}

export function isEncrypted(p: Payload): boolean {
  const enc = p.metadata?.[ENCODING_METADATA];
  return !!enc && fromUtf8.decode(enc) === ENCRYPTED_ENCODING;
}

/** Key ids come from payload headers, i.e. possibly from a caller of the codec server: keep them short and printable. */
function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}
