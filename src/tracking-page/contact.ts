// "Confirm the phone number or email on the order": the way in for a customer without the signed link.
// Compared in constant time, and the same work is done when the order does not exist, so neither the
// answer nor its timing tells a guesser whether an order id is real.
import { safeEqual } from '../couriers/common/hmac';
import type { Contact } from './source';

const NOBODY: Contact = { email: 'nobody@invalid.example', phone: '0000000000' };

export function normaliseContact(input: string): { email: string } | { phone: string } | undefined {
  const s = input.trim();
  if (s.includes('@')) return s.length <= 254 ? { email: s.toLowerCase() } : undefined;
  const digits = s.replace(/\D/g, '');
  // The last 10 digits: "+91 98765 43210", "098765 43210" and "9876543210" are the same number.
  return digits.length >= 10 && digits.length <= 14 ? { phone: digits.slice(-10) } : undefined;
}

export function contactMatches(input: unknown, contact: Contact | null): boolean {
  const given = typeof input === 'string' ? normaliseContact(input) : undefined;
  const c = contact ?? NOBODY;
  const email = c.email?.trim().toLowerCase();
  const phone = c.phone ? c.phone.replace(/\D/g, '').slice(-10) : undefined;
  // Both comparisons always run; an absent side compares against nothing and fails.
  const emailOk = safeEqual(given && 'email' in given ? given.email : undefined, email);
  const phoneOk = safeEqual(given && 'phone' in given ? given.phone : undefined, phone && phone.length === 10 ? phone : undefined);
  return contact !== null && (emailOk || phoneOk);
}
