// api_add_shipment_surface / _air validation, in iCarry's voice: sentences concatenated into one
// `error` string (IC-PDF quotes "Pickup Address is mandatory. Consignee array is mandatory. Parcel
// array is mandatory. " and "Telephone must be 10 digits without any spaces …").
import { isSimServiceable } from '../types';
import { arr, type PhpArray, str } from './php-form';

/** iCarry's state codes (its OpenCart zone codes plus TS, CG, UK, JH, LA). Kept apart from the client's table. */
const STATE_CODES = new Set(
  'AN AP AR AS BI CH CG DA DM DE GO GU HA HP JA JH KA KE LA LI MP MA MN ME MI NA OR PO PU RA SI TN TS TR UP UK WB'.split(' '),
);

export interface ValidBooking {
  pickupAddressId: string;
  clientOrderId: string;
  consigneePincode: string;
  parcelType: 'Prepaid' | 'COD';
  weightGrams: number;
}

const positive = (v: string | undefined) => v !== undefined && /^\d+(\.\d+)?$/.test(v.trim()) && Number(v) > 0;

export function validateBooking(post: PhpArray, pickupAddressIds: readonly string[]): { ok: true; value: ValidBooking } | { ok: false; error: string } {
  const pickup = str(post.pickup_address_id)?.trim();
  const consignee = arr(post.consignee);
  const parcel = arr(post.parcel);
  const missing = [
    pickup ? '' : 'Pickup Address is mandatory. ',
    consignee ? '' : 'Consignee array is mandatory. ',
    parcel ? '' : 'Parcel array is mandatory. ',
  ].join('');
  if (missing || !pickup || !consignee || !parcel) return { ok: false, error: missing };

  const e: string[] = [];
  if (!pickupAddressIds.includes(pickup)) e.push('Invalid Pickup Address. ');
  if (!str(consignee.name)?.trim()) e.push('Consignee name is mandatory. ');
  if (!/^\d{10}$/.test(str(consignee.mobile) ?? '')) e.push('Telephone must be 10 digits without any spaces, 0 or +91. ');
  if (!str(consignee.address)?.trim()) e.push('Consignee address is mandatory. ');
  if (!str(consignee.city)?.trim()) e.push('Consignee city is mandatory. ');
  const pincode = str(consignee.pincode) ?? '';
  if (!/^\d{6}$/.test(pincode)) e.push('Consignee pincode must be 6 digits. ');
  if (!STATE_CODES.has(str(consignee.state) ?? '')) e.push('Consignee state code is invalid. ');
  if (str(consignee.country_code) !== 'IN') e.push('Consignee country code must be IN. ');

  const type = str(parcel.type);
  if (type !== 'Prepaid' && type !== 'COD') e.push('Parcel type must be Prepaid or COD. ');
  if (!positive(str(parcel.value))) e.push('Parcel value is mandatory. ');
  if (str(parcel.currency) !== 'INR') e.push('Parcel currency must be INR. ');
  const contents = str(parcel.contents) ?? '';
  if (contents.trim() === '') e.push('Parcel contents is mandatory. ');
  // PHP's strlen: bytes, not characters.
  if (Buffer.byteLength(contents) > 255) e.push('Parcel contents must not exceed 255 characters. ');
  const weight = arr(parcel.weight);
  const grams = str(weight?.weight);
  if (!grams || !/^\d+$/.test(grams) || Number(grams) <= 0) e.push('Parcel weight must be a whole number of grams. ');
  if (str(weight?.unit) !== 'gm') e.push('Parcel weight unit must be gm. ');
  const dims = arr(parcel.dimensions);
  if (!dims || !positive(str(dims.length)) || !positive(str(dims.breadth)) || !positive(str(dims.height))) e.push('Parcel dimensions are mandatory. ');
  else if (str(dims.unit) !== 'cm') e.push('Parcel dimension unit must be cm. ');
  if (e.length === 0 && !isSimServiceable(pincode)) e.push(`Pincode ${pincode} is not serviceable. `);
  if (e.length) return { ok: false, error: e.join('') };

  return {
    ok: true,
    value: { pickupAddressId: pickup, clientOrderId: str(post.client_order_id)?.trim() ?? '', consigneePincode: pincode, parcelType: type as 'Prepaid' | 'COD', weightGrams: Number(grams) },
  };
}
