// The classification tables on their own, for the cases the servers in the other suites cannot easily
// produce (SMTP login refused, TLS trouble, Graph codes the table does not know), and phone numbers.
import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../src/notifications/email/smtp-errors';
import { maskContacts } from '../../src/notifications/errors';
import { classifyGraphError } from '../../src/notifications/whatsapp/graph-errors';
import { toWhatsAppNumber } from '../../src/notifications/whatsapp/phone';

describe('SMTP failures', () => {
  it.each([
    [{ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Authentication credentials invalid', command: 'AUTH PLAIN' }, 'permanent', 'auth'],
    [{ code: 'EAUTH', responseCode: 454, response: '454 4.7.0 Temporary authentication failure', command: 'AUTH PLAIN' }, 'retryable', 'unavailable'],
    [{ code: 'EMESSAGE', responseCode: 552, response: '552 5.3.4 Message too big', command: 'DATA' }, 'permanent', 'rejected'],
    [{ code: 'EENVELOPE', responseCode: 550, response: '550 5.7.1 Relaying denied', command: 'MAIL FROM' }, 'permanent', 'rejected'],
    [{ code: 'EPROTOCOL', responseCode: 421, response: '421 4.7.0 Try again later', command: 'CONN' }, 'retryable', 'unavailable'],
    [{ code: 'ETLS' }, 'retryable', 'tls'],
    [{ code: 'ECONNECTION' }, 'retryable', 'network'],
    [{ code: 'ETIMEDOUT' }, 'retryable', 'timeout'],
    [new Error('something odd'), 'retryable', 'unknown'],
  ])('%o → %s %s', (err, kind, code) => {
    expect(classifySmtpError(err)).toMatchObject({ kind, code, provider: 'smtp' });
  });
});

describe('Graph failures the table does not know', () => {
  it.each([
    [503, { error: { code: 999_001, message: 'new' } }, 'retryable', 'unavailable'],
    [400, { error: { code: 999_002, message: 'new' } }, 'permanent', 'rejected'],
    [403, { error: { code: 250, message: 'Permissions error' } }, 'permanent', 'auth'],
    [401, '<html>proxy</html>', 'permanent', 'auth'],
    [429, undefined, 'retryable', 'rate_limited'],
  ])('HTTP %i %o → %s %s', (status, body, kind, code) => {
    expect(classifyGraphError(status, body, undefined, [])).toMatchObject({ kind, code, provider: 'whatsapp' });
  });

  it('masks the token, addresses and phone numbers out of what Meta said', () => {
    const e = classifyGraphError(400, { error: { code: 100, message: '(#100) bad token EAAGsecret for 919876543210 / a@b.test' } }, undefined, ['EAAGsecret']);
    expect(e.message).toBe('WhatsApp 100: (#100) bad token [REDACTED] for [number] / [address]');
  });

  it('prefers the Retry-After header to the table', () => {
    expect(classifyGraphError(400, { error: { code: 130429 } }, '3', []).retryAfterMs).toBe(3000);
    expect(classifyGraphError(400, { error: { code: 130429 } }, undefined, []).retryAfterMs).toBe(5000);
  });
});

describe('phone numbers', () => {
  it.each([
    ['9876543210', '919876543210'],
    ['+91 98765 43210', '919876543210'],
    ['+91-98765-43210', '919876543210'],
    ['098765 43210', '919876543210'],
    ['919876543210', '919876543210'],
    ['0091 98765 43210', '919876543210'],
    ['(+44) 7700 900123', '447700900123'],
  ])('%s → %s', (raw, digits) => {
    expect(toWhatsAppNumber(raw)).toBe(digits);
  });

  it.each(['', '12345', '5876543210', '+91 12345 67890', '040 1234 567', '447700900123', 'not a number', '+1234567890123456'])('%j is refused', (raw) => {
    expect(toWhatsAppNumber(raw)).toBeUndefined();
  });

  it('masking leaves order ids and Graph codes alone', () => {
    expect(maskContacts('ORD-1001 code 131026')).toBe('ORD-1001 code 131026');
  });
});
