import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('applies defaults for an empty environment (the embedded stack)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, TEMPORAL_NAMESPACE: 'default', MONGODB_DB: 'waybill', COURIER_MODE: 'auto', DEFAULT_COURIER: 'icarry' });
    expect(c.TEMPORAL_ADDRESS).toBeUndefined();
    expect(c.MONGODB_URI).toBeUndefined();
  });

  it('names the bad variable and never echoes its value', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'not-a-port', SECRETS_KEY_ID: 'k1', NDR_RESPONSE_HOURS: '-3', LOG_LEVEL: 'sup3r-s3cret-value' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = String((err as Error).message);
    expect(msg).toMatch(/PORT/);
    expect(msg).toMatch(/NDR_RESPONSE_HOURS/);
    expect(msg).toMatch(/LOG_LEVEL/);
    expect(msg).not.toContain('sup3r-s3cret-value');
  });

  it('requires tokens, keys and real servers in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_API_TOKENS: required[\s\S]*SECRETS_KEY: required[\s\S]*TEMPORAL_ADDRESS[\s\S]*MONGODB_URI/);
  });

  it('parses lists and booleans', () => {
    const c = loadConfig({ ADMIN_API_TOKENS: 'a, b ,,c', WORKER_ENABLED: 'no', SECRETS_OLD_KEYS: 'k0:abc' });
    expect(c.ADMIN_API_TOKENS).toEqual(['a', 'b', 'c']);
    expect(c.WORKER_ENABLED).toBe(false);
    expect(c.SECRETS_OLD_KEYS).toEqual(['k0:abc']);
  });
});
