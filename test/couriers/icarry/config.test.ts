import { describe, expect, it } from 'vitest';
import { createIcarryClient, parseIcarryConfig } from '../../../src/couriers/icarry';
import { config } from './support';

describe('iCarry settings', () => {
  it('fills the documented defaults', () => {
    expect(parseIcarryConfig(config({ pickupAddressId: 55 }))).toEqual({
      baseUrl: 'https://www.icarry.in',
      username: 'merchant@example.in',
      apiKey: expect.any(String),
      pickupAddressId: '55',
      pickupPincode: '560099',
      shipmentMode: 'S',
      timeoutMs: 20_000,
    });
    expect(parseIcarryConfig(config({ baseUrl: 'http://127.0.0.1:4100/' })).baseUrl).toBe('http://127.0.0.1:4100');
  });

  it("refuses the store's /api_v3 base: no iCarry endpoint lives under it", () => {
    expect(() => parseIcarryConfig(config({ baseUrl: 'https://icarry.in/api_v3' }))).toThrow(/no \/api_vN base/);
  });

  it('names every bad field in a permanent error, and never echoes the API key', () => {
    let error: unknown;
    try {
      createIcarryClient({ ...config({ pickupAddressId: 'warehouse-1', pickupPincode: '56', shipmentMode: 'X' as 'S' }), apiKey: 'sekrit-key-value', username: '' }, { now: () => 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ kind: 'permanent', code: 'invalid_request', operation: 'configure' });
    const message = (error as Error).message;
    for (const field of ['username', 'pickupAddressId', 'pickupPincode', 'shipmentMode']) expect(message).toContain(field);
    expect(message).not.toContain('sekrit-key-value');
    expect(message).not.toContain('warehouse-1');
  });
});
