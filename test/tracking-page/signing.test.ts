// Signed access: a link opens its own order until it expires, and nothing else does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrackingSigner } from '../../src/tracking-page/signing';

const KEY = 'k'.repeat(32);
const OTHER = 'o'.repeat(32);
const NOW = Date.parse('2026-03-03T10:00:00Z');
const DAY = 86_400_000;

describe('tracking links', () => {
  const signer = new TrackingSigner([KEY]);

  it('open their own order until they expire, and say "expired" after', () => {
    const t = signer.linkToken('ORD-1', 60, NOW);
    expect(signer.verifyLink('ORD-1', t, NOW)).toMatchObject({ ok: true, access: { via: 'link', credential: t } });
    expect(signer.verifyLink('ORD-1', t, NOW + 60 * DAY - 1)).toMatchObject({ ok: true });
    expect(signer.verifyLink('ORD-1', t, NOW + 62 * DAY)).toEqual({ ok: false, reason: 'expired' });
  });

  it('are identical all day (expiry rounded up to a UTC day), so a resend is the same link', () => {
    expect(signer.linkToken('ORD-1', 60, NOW)).toBe(signer.linkToken('ORD-1', 60, NOW + 3 * 3_600_000));
    expect(signer.linkToken('ORD-1', 60, NOW)).not.toBe(signer.linkToken('ORD-1', 60, NOW + DAY));
  });

  it('do not open another order, and cannot be made without the key', () => {
    const t = signer.linkToken('ORD-1', 60, NOW);
    expect(signer.verifyLink('ORD-2', t, NOW)).toEqual({ ok: false, reason: 'forged' });
    expect(new TrackingSigner([OTHER]).verifyLink('ORD-1', t, NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuse any change to the expiry or the MAC', () => {
    const t = signer.linkToken('ORD-1', 60, NOW);
    const [exp, mac] = t.split('.') as [string, string];
    const later = (parseInt(exp, 36) + 86_400 * 365).toString(36);
    expect(signer.verifyLink('ORD-1', `${later}.${mac}`, NOW)).toEqual({ ok: false, reason: 'forged' });
    fc.assert(
      fc.property(fc.nat({ max: mac.length - 1 }), fc.constantFrom(...'ABCxyz019-_'), (i, ch) => {
        fc.pre(mac[i] !== ch);
        const flipped = `${exp}.${mac.slice(0, i)}${ch}${mac.slice(i + 1)}`;
        expect(signer.verifyLink('ORD-1', flipped, NOW).ok).toBe(false);
      }),
    );
  });

  it('treat junk as malformed without throwing', () => {
    for (const junk of [undefined, '', 'abc', ['a', 'b'], 42, `${'9'.repeat(11)}.${'A'.repeat(22)}`, 'x'.repeat(500)]) {
      expect(signer.verifyLink('ORD-1', junk, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('made with a retired key still open after a rotation; new links use the new key', () => {
    const old = new TrackingSigner([OTHER]).linkToken('ORD-1', 60, NOW);
    const rotated = new TrackingSigner([KEY, OTHER]);
    expect(rotated.verifyLink('ORD-1', old, NOW).ok).toBe(true);
    expect(new TrackingSigner([OTHER]).verifyLink('ORD-1', rotated.linkToken('ORD-1', 60, NOW), NOW).ok).toBe(false);
  });
});

describe('cookies and form tokens', () => {
  const signer = new TrackingSigner([KEY]);

  it('a cookie is not a link and a link is not a cookie (purposes are separated)', () => {
    const cookie = signer.cookieValue('ORD-1', NOW);
    const link = signer.linkToken('ORD-1', 60, NOW);
    expect(signer.verifyCookie('ORD-1', cookie, NOW).ok).toBe(true);
    expect(signer.verifyLink('ORD-1', cookie, NOW).ok).toBe(false);
    expect(signer.verifyCookie('ORD-1', link, NOW).ok).toBe(false);
    expect(signer.verifyCookie('ORD-1', cookie, NOW + 8 * DAY)).toEqual({ ok: false, reason: 'expired' });
  });

  it('a form token is bound to the order and to the credential the page was opened with', () => {
    const a = signer.verifyLink('ORD-1', signer.linkToken('ORD-1', 60, NOW), NOW);
    const b = signer.verifyCookie('ORD-1', signer.cookieValue('ORD-1', NOW), NOW);
    if (!a.ok || !b.ok) throw new Error('setup');
    const csrf = signer.csrfToken('ORD-1', a.access);
    expect(signer.verifyCsrf('ORD-1', a.access, csrf)).toBe(true);
    expect(signer.verifyCsrf('ORD-1', b.access, csrf)).toBe(false);
    expect(signer.verifyCsrf('ORD-2', a.access, csrf)).toBe(false);
    expect(signer.verifyCsrf('ORD-1', a.access, undefined)).toBe(false);
    expect(signer.verifyCsrf('ORD-1', a.access, csrf.slice(1))).toBe(false);
  });

  it('an NDR answer has one request id per failed attempt and action', () => {
    const id = signer.ndrRequestId('ORD-1', 'attempt-1', { type: 'reattempt' });
    expect(signer.ndrRequestId('ORD-1', 'attempt-1', { type: 'reattempt' })).toBe(id);
    expect(signer.ndrRequestId('ORD-1', 'attempt-2', { type: 'reattempt' })).not.toBe(id);
    expect(signer.ndrRequestId('ORD-1', 'attempt-1', { type: 'reschedule', date: '2026-03-05' })).not.toBe(id);
  });
});
