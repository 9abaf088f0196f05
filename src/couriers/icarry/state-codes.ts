// Indian state / union territory → iCarry's 2-character state code for consignee[state].
//
// iCarry runs on OpenCart (OCSESSID cookie, zone_id 1493 = Maharashtra in api_add_pickup_address), and
// every code IC-PDF's appendix gives (MA, DE, KA, TN, GU, HA, WB, RA, PU, KE, BI, UP) is OpenCart's
// stock India zone code, so the states the appendix excerpt omits take OpenCart's code too. Telangana
// (TS), Chhattisgarh (CG), Uttarakhand (UK), Jharkhand (JH) and Ladakh (LA) are not in stock OpenCart;
// their codes are the appendix's.
//
// Delhi is DE, as the appendix says, although the document's own example sends "DL": the appendix is
// the table and DE is OpenCart's code.

const CODES: ReadonlyArray<readonly [code: string, names: readonly string[]]> = [
  ['AN', ['Andaman and Nicobar Islands', 'Andaman and Nicobar', 'Andaman & Nicobar Islands']],
  ['AP', ['Andhra Pradesh']],
  ['AR', ['Arunachal Pradesh']],
  ['AS', ['Assam']],
  ['BI', ['Bihar']],
  ['CH', ['Chandigarh']],
  ['CG', ['Chhattisgarh', 'Chattisgarh', 'Chhatisgarh']],
  ['DA', ['Dadra and Nagar Haveli']],
  ['DM', ['Daman and Diu']],
  ['DE', ['Delhi', 'New Delhi', 'NCT of Delhi', 'National Capital Territory of Delhi']],
  ['GO', ['Goa']],
  ['GU', ['Gujarat']],
  ['HA', ['Haryana']],
  ['HP', ['Himachal Pradesh']],
  ['JA', ['Jammu and Kashmir', 'Jammu & Kashmir']],
  ['JH', ['Jharkhand']],
  ['KA', ['Karnataka']],
  ['KE', ['Kerala']],
  ['LA', ['Ladakh']],
  ['LI', ['Lakshadweep', 'Lakshadweep Islands']],
  ['MP', ['Madhya Pradesh']],
  ['MA', ['Maharashtra']],
  ['MN', ['Manipur']],
  ['ME', ['Meghalaya']],
  ['MI', ['Mizoram']],
  ['NA', ['Nagaland']],
  ['OR', ['Odisha', 'Orissa']],
  ['PO', ['Puducherry', 'Pondicherry']],
  ['PU', ['Punjab']],
  ['RA', ['Rajasthan']],
  ['SI', ['Sikkim']],
  ['TN', ['Tamil Nadu']],
  ['TS', ['Telangana']],
  ['TR', ['Tripura']],
  ['UP', ['Uttar Pradesh']],
  ['UK', ['Uttarakhand', 'Uttaranchal']],
  ['WB', ['West Bengal']],
];

/** Every code this table can produce. */
export const ICARRY_STATE_CODES: ReadonlySet<string> = new Set(CODES.map(([code]) => code));

const squash = (name: string) => name.toLowerCase().replace(/&/g, 'and').replace(/[^a-z]/g, '');
const BY_NAME = new Map(CODES.flatMap(([code, names]) => names.map((n) => [squash(n), code] as const)));

/**
 * "Maharashtra", "tamil nadu", "Jammu & Kashmir", "Orissa" → MA, TN, JA, OR. A value that already is
 * an iCarry code passes through. The 2020 merged UT "Dadra and Nagar Haveli and Daman and Diu" has no
 * code of its own: its pincode decides (Daman 39621x/39622x and Diu 3625xx are DM, the rest DA).
 * Unknown → undefined: the caller must refuse rather than guess, since iCarry files the parcel under
 * whatever code it is given.
 */
export function icarryStateCode(state: string, pincode?: string): string | undefined {
  const trimmed = state.trim();
  if (ICARRY_STATE_CODES.has(trimmed.toUpperCase()) && trimmed.length === 2) return trimmed.toUpperCase();
  const key = squash(trimmed);
  if (key === 'dadraandnagarhavelianddamananddiu') return pincode && /^(3962[12]|3625)/.test(pincode) ? 'DM' : 'DA';
  return BY_NAME.get(key);
}
