/** Waybill's NDR actions; each courier translates them (or refuses loudly where it has no NDR API). */
export type NdrAction =
  | { type: 'reattempt'; comment?: string }
  | { type: 'reschedule'; date: string /* YYYY-MM-DD, IST calendar date */; comment?: string }
  | { type: 'change_address'; address1: string; address2?: string; pincode?: string; comment?: string }
  | { type: 'change_phone'; phone: string; comment?: string }
  | { type: 'return_to_origin'; comment?: string };

export type NdrActionType = NdrAction['type'];
