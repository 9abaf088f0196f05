// The page's pure parts: the NDR form's rules, the contact check, the brand colour's contrast and the
// steps a status is told as.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHIPMENT_STATUSES } from '../../src/domain/status';
import { brandPalette, contrastOfHex } from '../../src/tracking-page/color';
import { contactMatches } from '../../src/tracking-page/contact';
import { parseNdrForm, rescheduleDates } from '../../src/tracking-page/ndr-form';
import { progressOf } from '../../src/tracking-page/progress';

// 20:00 UTC on 3 March is already 4 March (01:30) in India.
const NOW = Date.parse('2026-03-03T20:00:00Z');
const TZ = 'Asia/Kolkata';

describe('the NDR form', () => {
  it('offers the next six days where the store is, starting tomorrow', () => {
    expect(rescheduleDates(NOW, TZ).map((d) => d.value)).toEqual(['2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    expect(rescheduleDates(NOW, 'UTC')[0]).toEqual({ value: '2026-03-04', label: 'Wed, 4 Mar' });
  });

  it('turns each form into the workflow action, and refuses what the workflow would refuse', () => {
    expect(parseNdrForm({ action: 'reattempt', csrf: 'x' }, NOW, TZ)).toEqual({ ok: true, action: { type: 'reattempt' } });
    expect(parseNdrForm({ action: 'reschedule', date: '2026-03-07' }, NOW, TZ)).toEqual({ ok: true, action: { type: 'reschedule', date: '2026-03-07' } });
    expect(parseNdrForm({ action: 'reschedule', date: '2026-03-04' }, NOW, TZ)).toMatchObject({ ok: false, field: 'date' }); // today: too soon
    expect(parseNdrForm({ action: 'reschedule', date: '2026-03-11' }, NOW, TZ)).toMatchObject({ ok: false, field: 'date' }); // beyond the window
    expect(parseNdrForm({ action: 'change_address', address1: ' 4 Park Street ', address2: '', pincode: '700016' }, NOW, TZ)).toEqual({
      ok: true,
      action: { type: 'change_address', address1: '4 Park Street', pincode: '700016' },
    });
    expect(parseNdrForm({ action: 'change_address', address1: '4 Park Street', pincode: '070016' }, NOW, TZ)).toMatchObject({ ok: false, field: 'pincode', values: { address1: '4 Park Street' } });
    expect(parseNdrForm({ action: 'change_address', address1: 'x' }, NOW, TZ)).toMatchObject({ ok: false, field: 'address1' });
    expect(parseNdrForm({ action: 'change_phone', phone: '+91 98765-43210' }, NOW, TZ)).toEqual({ ok: true, action: { type: 'change_phone', phone: '9876543210' } });
    expect(parseNdrForm({ action: 'change_phone', phone: '12345' }, NOW, TZ)).toMatchObject({ ok: false, field: 'phone' });
    expect(parseNdrForm({ action: 'return_to_origin' }, NOW, TZ)).toMatchObject({ ok: false, field: 'action' });
    expect(parseNdrForm({ action: ['reattempt', 'x'] }, NOW, TZ)).toMatchObject({ ok: false });
    expect(parseNdrForm(undefined, NOW, TZ)).toMatchObject({ ok: false, field: 'action' });
  });
});

describe('confirming the order contact', () => {
  const contact = { email: 'Asha@Example.in', phone: '+91 98765 43210' };

  it('accepts the phone in any usual spelling, or the email in any case', () => {
    for (const given of ['9876543210', '+919876543210', '098765 43210', ' asha@example.IN ']) expect(contactMatches(given, contact)).toBe(true);
  });

  it('refuses anything else, and always refuses for an order that does not exist', () => {
    for (const given of ['9876543211', '98765', 'asha@example.com', '', undefined, ['9876543210']]) expect(contactMatches(given, contact)).toBe(false);
    expect(contactMatches('nobody@invalid.example', null)).toBe(false);
    expect(contactMatches('0000000000', null)).toBe(false);
    expect(contactMatches('9876543210', { email: 'a@b.in' })).toBe(false);
  });
});

describe('the brand colour', () => {
  it('keeps text in it at 4.5:1 or more on white, whatever colour is configured', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
        const hex = `#${n.toString(16).padStart(6, '0')}`;
        const p = brandPalette(hex);
        expect(contrastOfHex(p.ink, '#ffffff')).toBeGreaterThanOrEqual(4.5);
        expect(contrastOfHex(p.ink, p.onInk)).toBeGreaterThanOrEqual(4.5);
        expect(p.brand).toBe(hex);
      }),
    );
  });

  it('leaves a dark enough colour as it is', () => {
    expect(brandPalette('#1D4ED8').ink).toBe('#1d4ed8');
    expect(brandPalette('#ffd700').ink).not.toBe('#ffd700');
  });
});

describe('progress steps', () => {
  it('walk booked → delivered on the happy path, one step current', () => {
    expect(progressOf('in_transit').steps.map((s) => s.state)).toEqual(['done', 'done', 'current', 'todo', 'todo']);
    expect(progressOf('delivered').steps.every((s) => s.state === 'done')).toBe(true);
    expect(progressOf('pending').steps.every((s) => s.state === 'todo')).toBe(true);
  });

  it('tell the detours as such', () => {
    expect(progressOf('undelivered')).toMatchObject({ variant: 'ndr', steps: expect.arrayContaining([{ label: 'Delivery attempt failed', state: 'problem' }]) });
    expect(progressOf('rto_in_transit')).toMatchObject({ variant: 'rto', steps: expect.arrayContaining([{ label: 'Returning to us', state: 'current' }]) });
    expect(progressOf('cancelled')).toMatchObject({ variant: 'cancelled', steps: [] });
    expect(progressOf('damaged')).toMatchObject({ variant: 'lost', steps: [] });
  });

  it('has customer words for every status', () => {
    for (const s of SHIPMENT_STATUSES) expect(progressOf(s).headline).toMatch(/^[A-Z]/);
  });
});
