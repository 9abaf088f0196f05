// iCarry sends AWBs as bare JSON numbers (the booking reply's "awb": 345642367564). Past 2^53 JSON.parse
// would round one silently and the parcel would be tracked under a neighbour's number, so long digit
// runs under an "awb" key are quoted before parsing. Up to 15 digits every integer is exact.
export function quoteLongAwbs(json: string): string {
  return json.replace(/("awb"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"');
}
