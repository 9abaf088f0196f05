// Which secret authenticates which courier, its scrubbing from stored bodies, and the short-lived cache.
import { describe, expect, it } from 'vitest';
import { cachedAuthSource, scrubSecrets, webhookAuthFor, type WebhookAuth } from '../../src/webhooks/auth-settings';

const settings = { apiKey: 'key-1234', apiSecret: 'pass-5678', webhookSecret: 'hook-9012', fields: {} as Record<string, string> };

describe('webhookAuthFor', () => {
  it("uses each courier's own secret, or the HMAC scheme when configured", () => {
    expect(webhookAuthFor('shiprocket', settings).config).toEqual({ scheme: 'courier', secret: 'hook-9012' });
    expect(webhookAuthFor('delhivery', { ...settings, fields: { webhookHeaderName: 'X-Key' } }).config).toEqual({ scheme: 'courier', secret: 'hook-9012', headerName: 'X-Key' });
    expect(webhookAuthFor('icarry', settings).config).toEqual({ scheme: 'courier', secret: 'key-1234' });
    expect(webhookAuthFor('icarry', { ...settings, fields: { webhookScheme: 'hmac-sha256' } }).config).toEqual({ scheme: 'hmac-sha256', secret: 'hook-9012' });
    expect(webhookAuthFor('delhivery', null)).toEqual({ config: {}, secrets: [] });
  });

  it('scrubs every secret, as sent or encoded, from a body', () => {
    const secrets = webhookAuthFor('icarry', { ...settings, apiKey: 'k+y/1 2&3' }).secrets;
    expect(scrubSecrets('token=k%2By%2F1%202%263&x=1', secrets)).toBe('token=[REDACTED]&x=1');
    expect(scrubSecrets('{"token":"k+y/1 2&3","p":"pass-5678"}', secrets)).toBe('{"token":"[REDACTED]","p":"[REDACTED]"}');
    expect(scrubSecrets('abc', ['ab'])).toBe('abc'); // too short to mean anything
  });
});

describe('cachedAuthSource', () => {
  it('reads settings once per TTL per courier, and never remembers a failure', async () => {
    let now = 0;
    let reads = 0;
    let fail = false;
    const source = cachedAuthSource(
      async (): Promise<WebhookAuth> => {
        reads++;
        if (fail) throw new Error('database down');
        return { config: { secret: `s${reads}` }, secrets: [] };
      },
      5_000,
      () => now,
    );
    expect((await source('delhivery')).config.secret).toBe('s1');
    expect((await source('delhivery')).config.secret).toBe('s1');
    expect((await source('shiprocket')).config.secret).toBe('s2');
    now = 5_000;
    fail = true;
    await expect(source('delhivery')).rejects.toThrow('database down');
    fail = false;
    expect((await source('delhivery')).config.secret).toBe('s4');
    expect(reads).toBe(4);
  });
});
