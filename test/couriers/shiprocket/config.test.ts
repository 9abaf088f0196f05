// Courier settings: defaults, coercion of stored strings, and refusals that never echo a value.
import { describe, expect, it } from 'vitest';
import { createShiprocketClient, shiprocketConfigSchema } from '../../../src/couriers/shiprocket';
import { PASSWORD } from './helpers';

describe('settings', () => {
  it('apply defaults and accept a courier id stored as a string', () => {
    const parsed = shiprocketConfigSchema.parse({ email: 'api@waybill.test', password: 'x', pickupLocation: 'Primary', pickupPincode: '560068', courierCompanyId: '43' });
    expect(parsed).toMatchObject({ baseUrl: 'https://apiv2.shiprocket.in/v1/external', courierCompanyId: 43, timeoutMs: 20_000 });
  });

  it('are refused with the fields named and no value echoed', () => {
    let message = '';
    try {
      createShiprocketClient({ email: '', password: PASSWORD, pickupLocation: 'Primary', pickupPincode: '5600' } as never, { now: () => 0 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('email');
    expect(message).toContain('pickupPincode');
    expect(message).not.toContain(PASSWORD);
  });
});
