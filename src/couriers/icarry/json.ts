import { parseJsonLenient } from '../common/http';

// iCarry sends AWBs as bare JSON numbers (the booking reply's "awb": 345642367564). Past 2^53 JSON.parse
// would round one silently and the parcel would be tracked under a neighbour's number, so long digit
// runs under an "awb" key are quoted before parsing. Up to 15 digits every integer is exact.
export function quoteLongAwbs(json: string): string {
  return json.replace(/("awb"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"');
}

/**
 * A reply body → its JSON value. PHP notices and warnings can come first (IC-INT1), and their text may
 * itself hold brackets ("Undefined offset: [1]", "print_r" dumps), which defeats parsing from the first
 * "{" or "[". So each later "{" is tried as the start too, a bounded number of times.
 */
export function parseReplyJson(text: string): unknown {
  const whole = parseJsonLenient(text);
  if (whole !== undefined) return whole;
  let from = text.indexOf('{');
  for (let tries = 0; from >= 0 && tries < 50; tries++, from = text.indexOf('{', from + 1)) {
    try {
      return JSON.parse(text.slice(from));
    } catch {
      // not the start of the JSON; try the next brace
    }
  }
  return undefined;
}
