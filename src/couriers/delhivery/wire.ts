// Delhivery's wire shapes, as lenient zod schemas. Internal to src/couriers/delhivery: nothing here is
// exported from index.ts. Delhivery documents "do not apply hard field checks" (the webhook payload is
// customised per client and fields come and go), so every field is optional, numbers and strings are
// both accepted where either has been seen, and a malformed sub-structure degrades to undefined instead
// of failing the whole response.
import { z } from 'zod';

/** Any JSON value → a string when it is a string or finite number, else undefined. */
// .optional(): a transformed schema is otherwise a required key in zod 4.
const text = z
  .unknown()
  .transform((v): string | undefined => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return undefined;
  })
  .optional();

const flag = z
  .unknown()
  .transform((v): boolean | undefined => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (s === 'true' || s === 'y' || s === 'yes' || s === 'success') return true;
      if (s === 'false' || s === 'n' || s === 'no' || s === 'fail' || s === 'failure') return false;
    }
    return undefined;
  })
  .optional();

// ---------------------------------------------------------------------------------------------------
// Tracking (GET /api/v1/packages/json/) and the scan push (webhook), which share the Shipment shape.

export const statusSchema = z.looseObject({
  Status: text,
  StatusType: text,
  StatusCode: text,
  StatusDateTime: text,
  StatusLocation: text,
  Instructions: text,
  RecievedBy: text, // sic
});
export type DlvStatus = z.output<typeof statusSchema>;

export const scanDetailSchema = z.looseObject({
  ScanDateTime: text,
  ScanType: text,
  Scan: text,
  StatusDateTime: text,
  ScannedLocation: text,
  StatusCode: text,
  Instructions: text,
});
export type DlvScanDetail = z.output<typeof scanDetailSchema>;

export const shipmentSchema = z.looseObject({
  AWB: text,
  ReferenceNo: text,
  OrderType: text,
  PickUpDate: text,
  ExpectedDeliveryDate: text,
  PromisedDeliveryDate: text,
  RTOStartedDate: text,
  /** Webhook only: the pull API keeps the NSL code in Status.StatusCode. */
  NSLCode: text,
  Status: statusSchema.nullish().catch(undefined),
  Scans: z
    .array(z.looseObject({ ScanDetail: scanDetailSchema.nullish().catch(undefined) }).catch({ ScanDetail: undefined }))
    .nullish()
    .catch(undefined),
});
export type DlvShipment = z.output<typeof shipmentSchema>;

export const trackResponseSchema = z.looseObject({
  ShipmentData: z
    .array(z.looseObject({ Shipment: shipmentSchema.nullish().catch(undefined) }).catch({ Shipment: undefined }))
    .nullish()
    .catch(undefined),
  // The key carrying "Data does not exists for provided Waybill(s)" was never captured: all three are read.
  Error: text,
  error: text,
  rmk: text,
});
export type DlvTrackResponse = z.output<typeof trackResponseSchema>;

// ---------------------------------------------------------------------------------------------------
// Create (POST /api/cmu/create.json)

export const createPackageSchema = z.looseObject({
  status: text,
  waybill: text,
  refnum: text,
  remarks: z.unknown().optional(),
  err_code: text,
});

export const createResponseSchema = z.looseObject({
  success: flag,
  error: z.unknown().optional(),
  rmk: text,
  err_code: text,
  upload_wbn: text,
  packages: z.array(createPackageSchema.catch({ status: undefined, waybill: undefined, refnum: undefined, remarks: undefined, err_code: undefined })).nullish().catch(undefined),
});
export type DlvCreateResponse = z.output<typeof createResponseSchema>;

// ---------------------------------------------------------------------------------------------------
// Pincode serviceability (GET /c/api/pin-codes/json/)

export const postalCodeSchema = z.looseObject({
  pin: text,
  cod: flag,
  pre_paid: flag,
  pickup: flag,
  remarks: text,
  city: text,
  is_oda: flag,
});

export const pincodeResponseSchema = z.looseObject({
  delivery_codes: z
    .array(z.looseObject({ postal_code: postalCodeSchema.nullish().catch(undefined) }).catch({ postal_code: undefined }))
    .nullish()
    .catch(undefined),
});
export type DlvPincodeResponse = z.output<typeof pincodeResponseSchema>;

// ---------------------------------------------------------------------------------------------------
// Cancel / edit (POST /api/p/edit). The shape was never captured: {status, remark} is what integrators read.

export const editResponseSchema = z.looseObject({
  status: flag,
  remark: text,
  remarks: text,
  error: text,
  rmk: text,
});
