// Customer phone numbers as Indian stores hold them ("98765 43210", "+91-98765-43210", "098765 43210")
// into the digits-only international form the Cloud API's `to` takes ("919876543210"). A number that
// cannot be read is a permanent failure: retrying will not make it a phone number.

/** Digits-only international number, or undefined when `raw` cannot be one. */
export function toWhatsAppNumber(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s\-().]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (/^0[6-9]\d{9}$/.test(compact)) digits = `91${compact.slice(1)}`; // trunk prefix 0 + Indian mobile
  else if (/^[6-9]\d{9}$/.test(compact)) digits = `91${compact}`; // bare Indian mobile
  else if (/^91[6-9]\d{9}$/.test(compact)) digits = compact; // Indian mobile with country code, no '+'
  // Anything else without '+' or '00' is ambiguous (which country?): refuse rather than guess.
  else return undefined;
  if (!/^\d{8,15}$/.test(digits)) return undefined;
  // An Indian number must be a 10-digit mobile after 91; other countries are taken as given (E.164 length).
  if (digits.startsWith('91') && !/^91[6-9]\d{9}$/.test(digits)) return undefined;
  return digits;
}
