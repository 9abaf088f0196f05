// The payload codec's key ring: the current key (encrypts everything new) and old keys by id (still
// decrypt history written before a rotation). Keys come from CODEC_KEY / CODEC_KEY_ID / CODEC_OLD_KEYS.
// Outside production a missing CODEC_KEY is generated once and kept under DATA_DIR, so `npm start`
// works on a fresh clone and yesterday's histories still decode today.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodecKey {
  id: string;
  key: Buffer;
}

export interface CodecKeys {
  current: CodecKey;
  old: CodecKey[];
}

export class CodecKeyError extends Error {
  override readonly name = 'CodecKeyError';
}

export const DEV_CODEC_KEY_FILE = 'dev-codec.key';

export interface CodecKeyConfig {
  NODE_ENV: string;
  DATA_DIR: string;
  CODEC_KEY?: string;
  CODEC_KEY_ID: string;
  CODEC_OLD_KEYS?: string[];
}

function decodeKey(id: string, b64: string, variable: string): CodecKey {
  if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new CodecKeyError(`${variable}: key id "${id}" may only hold letters, digits, '.', '_' and '-'`);
  const key = Buffer.from(b64, 'base64');
  // Never echo the value: it is the key.
  if (key.length !== 32) throw new CodecKeyError(`${variable}: key ${id} must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return { id, key };
}

/** A key ring from base64 keys; refuses duplicate ids, which would make decryption ambiguous. */
export function codecKeys(current: { id: string; key: string }, old: Array<{ id: string; key: string }> = []): CodecKeys {
  const ring = { current: decodeKey(current.id, current.key, 'CODEC_KEY'), old: old.map((k) => decodeKey(k.id, k.key, 'CODEC_OLD_KEYS')) };
  const ids = [ring.current.id, ...ring.old.map((k) => k.id)];
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new CodecKeyError(`codec key id ${dup} is configured twice (CODEC_KEY_ID and CODEC_OLD_KEYS must not share ids)`);
  return ring;
}

/** `kid:base64` entries of CODEC_OLD_KEYS. */
export function parseOldKeys(entries: readonly string[] = []): Array<{ id: string; key: string }> {
  return entries.map((entry) => {
    const i = entry.indexOf(':');
    if (i <= 0) throw new CodecKeyError('CODEC_OLD_KEYS entries must look like kid:base64key');
    return { id: entry.slice(0, i), key: entry.slice(i + 1) };
  });
}

/** The key ring the API and the worker must share (both read the same variables, or the same dev file). */
export function codecKeysFromConfig(c: CodecKeyConfig): CodecKeys {
  let key = c.CODEC_KEY;
  if (!key) {
    if (c.NODE_ENV === 'production') throw new CodecKeyError('CODEC_KEY is required when NODE_ENV=production');
    key = persistedDevKey(c.DATA_DIR);
  }
  return codecKeys({ id: c.CODEC_KEY_ID, key }, parseOldKeys(c.CODEC_OLD_KEYS));
}

/**
 * Reads DATA_DIR/dev-codec.key, creating it on first use. The API and the worker start at the same time
 * under `npm start`, so creation must be race-free: the key is written to a private temporary file and
 * hard-linked into place, which fails if another process got there first; the loser reads the winner's key.
 */
export function persistedDevKey(dataDir: string): string {
  const file = join(dataDir, DEV_CODEC_KEY_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  return readFileSync(file, 'utf8').trim();
}
