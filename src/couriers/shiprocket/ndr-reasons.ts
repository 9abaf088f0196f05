// Shiprocket publishes no NDR reason codes: `reason` (NDR APIs) and the Undelivered scan's activity are
// the underlying courier's free text (couriers.md §1.9, §4). This keyword table turns that text into
// Waybill's reasons; the raw text always travels beside the result, and anything unrecognised is 'other'.
import type { NdrReason } from '../../domain/status';

/** First match wins, so narrower phrases sit above the broad ones they contain. */
export const NDR_REASON_KEYWORDS: ReadonlyArray<readonly [RegExp, NdrReason]> = [
  // "Max attempts reached, customer not available" is about the attempts, not the customer.
  [/\bmax(imum)?\.? (number of )?attempts?\b|attempts? (exhausted|exceeded)/i, 'max_attempts'],
  [/future delivery|deliver(y)? (on )?(a )?later|another (day|date)|next (day|date)|resched|asked to deliver on/i, 'future_delivery_requested'],
  [/\bopen (delivery|box|the (package|parcel|box))\b|wants? to (open|check)/i, 'open_delivery_requested'],
  [/\botp\b/i, 'otp_issue'],
  [/refus|reject|not interested|does ?n[o']t want|do ?n[o']t want|no longer wants|cancel(l)?ed the order/i, 'refused'],
  [/\bcod\b|cash not ready|payment|amount (not ready|dispute)|not ready with (cash|money|amount)/i, 'cod_not_ready'],
  [/restricted|entry (not allowed|denied)|no entry|not allowed (inside|to enter)|security/i, 'restricted_entry'],
  [/out of delivery area|\boda\b|outside (the )?(delivery|service) area|non[- ]serviceable|not serviceable/i, 'out_of_delivery_area'],
  [
    /unavailable|not available|not at home|not reachable|unreachable|not responding|no response|not answering|switched off|door (locked|closed)|premises closed|out of station|shop closed|office closed/i,
    'consignee_unavailable',
  ],
  [/address|landmark|locat(e|ion)|wrong pin|incorrect pin/i, 'address_issue'],
  [/not attempted|no attempt|could not (be )?attempt|unattempted|shortage of time|bad weather|heavy rain|natural calamity/i, 'not_attempted'],
];

export function ndrReasonFromText(text: string | null | undefined): NdrReason {
  if (!text) return 'other';
  for (const [pattern, reason] of NDR_REASON_KEYWORDS) if (pattern.test(text)) return reason;
  return 'other';
}
