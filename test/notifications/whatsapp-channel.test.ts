// WhatsApp through the Cloud API simulator over HTTP: the exact request Meta documents, read back from
// the simulator (GET /__sim/messages), and each class of error the client must tell apart.
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotificationError } from '../../src/notifications/errors';
import { createNotificationSender, type Notifier } from '../../src/notifications/sender';
import { WHATSAPP_SIM_DEFAULTS } from '../../src/simulators/whatsapp/defaults';
import { simTemplatesFrom, startWhatsAppSimulator, type RunningWhatsAppSimulator, type SimMessage } from '../../src/simulators/whatsapp';
import { FULL_FACTS, TEMPLATES, testConfig } from './support/config';

let running: RunningWhatsAppSimulator;
let sender: Notifier;

const ALLOWED = ['919876543210', '919812345678'];

beforeAll(async () => {
  running = await startWhatsAppSimulator({ templates: simTemplatesFrom(TEMPLATES), allowedRecipients: ALLOWED });
  sender = createNotificationSender(testConfig({ WHATSAPP_API_BASE_URL: running.baseUrl, NOTIFY_EMAIL_ENABLED: 'false', NOTIFY_ADMIN_EMAIL_ENABLED: 'false' }), {
    whatsAppTimeoutMs: 500,
  });
});
afterAll(async () => {
  await sender.close();
  await running.close();
});
afterEach(() => running.sim.reset());

async function simMessages(): Promise<SimMessage[]> {
  const res = await request(`${new URL(running.baseUrl).origin}/__sim/messages`);
  return ((await res.body.json()) as { messages: SimMessage[] }).messages;
}

async function simControl(path: string, body: unknown): Promise<void> {
  const res = await request(`${new URL(running.baseUrl).origin}/__sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.statusCode).toBe(200);
  await res.body.dump();
}

async function failure(p: Promise<unknown>): Promise<NotificationError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(NotificationError);
    return e as NotificationError;
  }
  throw new Error('the send was expected to fail');
}

const shipped = (to = '+91 98765 43210') => sender.dispatch({ channel: 'whatsapp', event: 'shipped', orderId: 'ORD-1001', to, data: FULL_FACTS.shipped });

describe('WhatsApp template messages', () => {
  it('sends exactly the documented request, parameters in the approved order', async () => {
    const outcome = await shipped();
    const [m] = await simMessages();
    expect(m!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919876543210',
      type: 'template',
      template: {
        name: 'order_shipped',
        language: { code: 'en' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Asha' },
              { type: 'text', text: 'Kala & Co' },
              { type: 'text', text: 'ORD-1001' },
              { type: 'text', text: 'iCarry' },
              { type: 'text', text: 'ICR123456789' },
              { type: 'text', text: 'https://track.kala.test/o/ORD-1001?t=abc&x=1' },
            ],
          },
        ],
      },
    });
    expect(m!.text).toBe(
      'Hi Asha, your Kala & Co order ORD-1001 has shipped with iCarry. Tracking number (AWB): ICR123456789. Track it here: https://track.kala.test/o/ORD-1001?t=abc&x=1 . Thank you for shopping with us!',
    );
    expect(outcome).toEqual({ status: 'sent', providerMessageId: m!.id });
    expect(m!.id).toMatch(/^wamid\./);
  });

  it('sends the NDR message with the self-service link', async () => {
    await sender.dispatch({ channel: 'whatsapp', event: 'ndr_action_needed', orderId: 'ORD-1001', to: '09812345678', data: FULL_FACTS.ndr_action_needed });
    const [m] = await simMessages();
    expect(m!.to).toBe('919812345678');
    expect(m!.template).toEqual({
      name: 'delivery_attempt_failed',
      language: 'en',
      parameters: ['Asha', 'Kala & Co', 'ORD-1001', 'Consignee not available', 'https://track.kala.test/o/ORD-1001?t=abc'],
    });
  });

  it('refuses a number that is not a mobile number without calling the API', async () => {
    expect(await failure(shipped('12345'))).toMatchObject({ kind: 'permanent', code: 'invalid_recipient' });
    expect(await simMessages()).toEqual([]);
  });
});

describe('WhatsApp errors, classified', () => {
  it.each([
    [131026, 'permanent', 'undeliverable'],
    [132015, 'permanent', 'template_paused'],
    [131031, 'permanent', 'account_blocked'],
    [130429, 'retryable', 'rate_limited'],
    [131048, 'retryable', 'rate_limited'],
    [131056, 'retryable', 'rate_limited'],
    [80007, 'retryable', 'rate_limited'],
    [131000, 'retryable', 'unavailable'],
    [133004, 'retryable', 'unavailable'],
  ] as const)('Graph error %i → %s (%s)', async (code, kind, name) => {
    await simControl('errors', { code });
    const e = await failure(shipped());
    expect(e).toMatchObject({ kind, code: name, providerCode: code, provider: 'whatsapp' });
    expect(e.message).toMatch(new RegExp(`^WhatsApp ${code}: \\(#${code}\\) .+ \\(fbtrace_id Sim\\w+\\)$`));
    if (kind === 'retryable' && name === 'rate_limited') expect(e.retryAfterMs).toBeGreaterThan(0);
  });

  it('a recipient outside the test number\'s allowed list → permanent (131030)', async () => {
    expect(await failure(shipped('+91 91234 56789'))).toMatchObject({ kind: 'permanent', code: 'recipient_not_allowed', providerCode: 131030 });
  });

  it('a template not approved in this language → permanent (132001)', async () => {
    const s = createNotificationSender(testConfig({ WHATSAPP_API_BASE_URL: running.baseUrl, WHATSAPP_TEMPLATE_LANGUAGE: 'hi', NOTIFY_EMAIL_ENABLED: 'false' }));
    const e = await failure(s.dispatch({ channel: 'whatsapp', event: 'delivered', orderId: 'ORD-1', to: '9876543210', data: {} }));
    expect(e).toMatchObject({ kind: 'permanent', code: 'template_missing', providerCode: 132001, status: 404 });
    expect(e.message).toContain('template name (order_delivered) does not exist in hi');
  });

  it('an expired or wrong token → permanent auth (190), and the token never appears in the error', async () => {
    const token = 'EAAG-wrong-token-value';
    const s = createNotificationSender(testConfig({ WHATSAPP_API_BASE_URL: running.baseUrl, WHATSAPP_ACCESS_TOKEN: token, NOTIFY_EMAIL_ENABLED: 'false' }));
    const e = await failure(s.dispatch({ channel: 'whatsapp', event: 'delivered', orderId: 'ORD-1', to: '9876543210', data: {} }));
    expect(e).toMatchObject({ kind: 'permanent', code: 'auth', providerCode: 190, status: 401 });
    expect(JSON.stringify({ message: e.message, stack: e.stack })).not.toContain(token);
  });

  it('a wrong phone number ID → permanent', async () => {
    const s = createNotificationSender(testConfig({ WHATSAPP_API_BASE_URL: running.baseUrl, WHATSAPP_PHONE_NUMBER_ID: '999', NOTIFY_EMAIL_ENABLED: 'false' }));
    const e = await failure(s.dispatch({ channel: 'whatsapp', event: 'delivered', orderId: 'ORD-1', to: '9876543210', data: {} }));
    expect(e).toMatchObject({ kind: 'permanent', code: 'invalid_request', providerCode: 100 });
  });

  it('a 500 that is not even Graph JSON → retryable', async () => {
    await simControl('faults', { errorRate: 1 });
    expect(await failure(shipped())).toMatchObject({ kind: 'retryable', code: 'unavailable', status: 500 });
  });

  it('a 429 from a proxy, with Retry-After → retryable after that wait', async () => {
    // The shared fault injector lets `every` requests through, then answers the next `length` with 429.
    await simControl('faults', { burst429: { every: 1, length: 10, retryAfterSeconds: 7 } });
    await shipped();
    expect(await failure(shipped())).toMatchObject({ kind: 'retryable', code: 'rate_limited', status: 429, retryAfterMs: 7000 });
  });

  it('no answer in time → retryable timeout', async () => {
    await simControl('faults', { timeoutRate: 1 });
    expect(await failure(shipped())).toMatchObject({ kind: 'retryable', code: 'timeout' });
  });

  it('nobody listening → retryable network error', async () => {
    const s = createNotificationSender(testConfig({ WHATSAPP_API_BASE_URL: 'http://127.0.0.1:9/v21.0', NOTIFY_EMAIL_ENABLED: 'false' }));
    expect(await failure(s.dispatch({ channel: 'whatsapp', event: 'delivered', orderId: 'ORD-1', to: '9876543210', data: {} }))).toMatchObject({ kind: 'retryable', code: 'network' });
  });
});

describe('the simulator checks what Meta checks', () => {
  const post = async (body: unknown, token: string = WHATSAPP_SIM_DEFAULTS.accessToken) => {
    const res = await request(`${running.baseUrl}/${WHATSAPP_SIM_DEFAULTS.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, body: (await res.body.json()) as { error?: { code: number; error_data?: { details: string } } } };
  };
  const template = (parameters: string[], name = 'order_delivered') => ({
    messaging_product: 'whatsapp',
    to: '919876543210',
    type: 'template',
    template: { name, language: { code: 'en' }, components: [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) }] },
  });

  it('the parameter count of the approved template (132000)', async () => {
    const r = await post(template(['Asha', 'Kala']));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 132000, error_data: { details: 'body: number of localizable_params (2) does not match the expected number of params (3)' } });
  });

  it('parameter text Meta refuses: newline, tab, five spaces (100)', async () => {
    expect((await post(template(['Asha\nB', 'Kala', 'ORD-1']))).body.error).toMatchObject({ code: 100 });
    expect((await post(template(['Asha', 'Kala     Co', 'ORD-1']))).body.error).toMatchObject({ code: 100 });
  });

  it('free-form text outside a customer window (131047), and a missing token (104)', async () => {
    expect((await post({ messaging_product: 'whatsapp', to: '919876543210', type: 'text', text: { body: 'hi' } })).body.error).toMatchObject({ code: 131047 });
    const res = await request(`${running.baseUrl}/${WHATSAPP_SIM_DEFAULTS.phoneNumberId}/messages`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(((await res.body.json()) as { error: { code: number } }).error.code).toBe(104);
  });

  it('records nothing it refused', async () => {
    await post(template(['only one']));
    expect(await simMessages()).toEqual([]);
  });
});
