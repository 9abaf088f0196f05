import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CodecKeyError, codecKeysFromConfig, DEV_CODEC_KEY_FILE } from '../../src/temporal/codec-keys';

const execFileAsync = promisify(execFile);
const k1 = randomBytes(32).toString('base64');
const k0 = randomBytes(32).toString('base64');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'waybill-codec-keys-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('codec keys from config', () => {
  it('reads the current key and old keys by id', () => {
    const keys = codecKeysFromConfig({ NODE_ENV: 'production', DATA_DIR: '/nonexistent', CODEC_KEY: k1, CODEC_KEY_ID: 'c2', CODEC_OLD_KEYS: [`c1:${k0}`] });
    expect(keys.current.id).toBe('c2');
    expect(keys.current.key.equals(Buffer.from(k1, 'base64'))).toBe(true);
    expect(keys.old.map((k) => k.id)).toEqual(['c1']);
  });

  it('refuses short keys, malformed old-key entries and duplicate ids, without echoing a key', () => {
    const short = Buffer.from('too short').toString('base64');
    const base = { NODE_ENV: 'production', DATA_DIR: '/nonexistent', CODEC_KEY_ID: 'c1' };
    expect(() => codecKeysFromConfig({ ...base, CODEC_KEY: short })).toThrow(/CODEC_KEY: key c1 must be 32 bytes/);
    expect(() => codecKeysFromConfig({ ...base, CODEC_KEY: k1, CODEC_OLD_KEYS: [k0] })).toThrow(/kid:base64key/);
    expect(() => codecKeysFromConfig({ ...base, CODEC_KEY: k1, CODEC_OLD_KEYS: [`c1:${k0}`] })).toThrow(/configured twice/);
    const err = thrown(() => codecKeysFromConfig({ ...base, CODEC_KEY: k1, CODEC_OLD_KEYS: [`c0:${short}`] }));
    expect(err).toBeInstanceOf(CodecKeyError);
    expect(err.message).toMatch(/CODEC_OLD_KEYS: key c0 must be 32 bytes/);
    expect(err.message).not.toContain(short);
    expect(err.message).not.toContain(k1);
  });

  it('requires CODEC_KEY in production instead of inventing one', () => {
    const dir = tempDir();
    expect(() => codecKeysFromConfig({ NODE_ENV: 'production', DATA_DIR: dir, CODEC_KEY_ID: 'c1' })).toThrow(/CODEC_KEY is required/);
    expect(() => readFileSync(join(dir, DEV_CODEC_KEY_FILE))).toThrow();
  });

  it('outside production generates one key under DATA_DIR, private, and reuses it', () => {
    const dir = join(tempDir(), 'nested');
    const a = codecKeysFromConfig({ NODE_ENV: 'development', DATA_DIR: dir, CODEC_KEY_ID: 'c1' });
    const b = codecKeysFromConfig({ NODE_ENV: 'development', DATA_DIR: dir, CODEC_KEY_ID: 'c1' });
    expect(a.current.key).toHaveLength(32);
    expect(b.current.key.equals(a.current.key)).toBe(true);
    expect(statSync(join(dir, DEV_CODEC_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('gives processes that start together (npm start: API and worker) one and the same dev key', async () => {
    const dir = tempDir();
    const module = resolve(__dirname, '../../src/temporal/codec-keys.ts');
    const script = `process.stdout.write(require(${JSON.stringify(module)}).persistedDevKey(${JSON.stringify(dir)}))`;
    const run = () => execFileAsync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: resolve(__dirname, '../..') });
    const keys = (await Promise.all([run(), run(), run(), run()])).map((r) => r.stdout);
    expect(new Set(keys).size).toBe(1);
    expect(Buffer.from(keys[0]!, 'base64')).toHaveLength(32);
    expect(readFileSync(join(dir, DEV_CODEC_KEY_FILE), 'utf8').trim()).toBe(keys[0]);
    expect(readdirSync(dir)).toEqual([DEV_CODEC_KEY_FILE]); // no temporary files left behind
  });
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}
