// The customer's answer to a failed delivery, from a plain HTML form. Everything is checked here with
// the same rules the workflow applies (it refuses malformed actions too), so a mistake is shown next to
// the form instead of coming back as a workflow error.
import { z } from 'zod';
import type { NdrAction } from '../domain/ndr';
import { addDays, localDate } from '../lib/calendar-dates';
import { formatCalendarDate } from './time';

/** A new delivery day may be any of the next few days (couriers hold a parcel about a week). */
export const RESCHEDULE_DAYS = 6;

export interface DateOption {
  value: string; // YYYY-MM-DD
  label: string;
}

/** Tomorrow through RESCHEDULE_DAYS ahead, as calendar days where the store is. */
export function rescheduleDates(nowMs: number, timeZone: string): DateOption[] {
  const today = localDate(nowMs, timeZone);
  return Array.from({ length: RESCHEDULE_DAYS }, (_, i) => {
    const value = addDays(today, i + 1);
    return { value, label: formatCalendarDate(value) };
  });
}

export type NdrField = 'date' | 'address1' | 'address2' | 'pincode' | 'phone' | 'action';
export type NdrFormResult = { ok: true; action: NdrAction } | { ok: false; field: NdrField; message: string; values: Record<string, string> };

const text = (max: number) => z.string().trim().max(max).optional().default('');

const formSchema = z.object({
  action: z.string().optional().default(''),
  date: text(10),
  address1: text(200),
  address2: text(200),
  pincode: text(6),
  phone: text(20),
});

/** Mobile numbers: +91/0 and spaces stripped to the 10 digits couriers take (as the API's phone rule). */
export function normalisePhone(s: string): string | undefined {
  const digits = s.replace(/[\s()-]/g, '').replace(/^(\+91|0091|91(?=\d{10}$)|0(?=\d{10}$))/, '');
  return /^[6-9]\d{9}$/.test(digits) ? digits : undefined;
}

export function parseNdrForm(body: unknown, nowMs: number, timeZone: string): NdrFormResult {
  const parsed = formSchema.safeParse(body ?? {});
  if (!parsed.success) return { ok: false, field: 'action', message: 'Please check the form and try again.', values: {} };
  const f = parsed.data;
  const values = { date: f.date, address1: f.address1, address2: f.address2, pincode: f.pincode, phone: f.phone };
  const fail = (field: NdrField, message: string): NdrFormResult => ({ ok: false, field, message, values });
  switch (f.action) {
    case 'reattempt':
      return { ok: true, action: { type: 'reattempt' } };
    case 'reschedule':
      if (!rescheduleDates(nowMs, timeZone).some((d) => d.value === f.date)) return fail('date', 'Choose one of the days offered.');
      return { ok: true, action: { type: 'reschedule', date: f.date } };
    case 'change_address':
      if (f.address1.length < 5) return fail('address1', 'Enter the house or flat number and street.');
      if (f.pincode && !/^[1-9]\d{5}$/.test(f.pincode)) return fail('pincode', 'A pincode has 6 digits and does not start with 0.');
      return { ok: true, action: { type: 'change_address', address1: f.address1, ...(f.address2 ? { address2: f.address2 } : {}), ...(f.pincode ? { pincode: f.pincode } : {}) } };
    case 'change_phone': {
      const phone = normalisePhone(f.phone);
      if (!phone) return fail('phone', 'Enter a 10-digit mobile number.');
      return { ok: true, action: { type: 'change_phone', phone } };
    }
    default:
      return fail('action', 'Choose what you would like us to do.');
  }
}
