// What the shipment services refuse, in their own terms: the API's error middleware turns each code into
// its HTTP status (src/api/errors.ts), the typed client hands it on as its WaybillError. Temporal's own
// failures leave the gateway as ShipmentGatewayError instead.

/**
 * - not_found: no such order;
 * - conflict: the order is not in a state that allows the request (not processing, another courier…);
 * - unprocessable: the order cannot be booked as it is, or the courier refused the booking (`details.code`).
 */
export type ShipmentErrorCode = 'not_found' | 'conflict' | 'unprocessable';

export class ShipmentError extends Error {
  override readonly name = 'ShipmentError';
  constructor(
    readonly code: ShipmentErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const orderNotFound = (id: string) => new ShipmentError('not_found', `order ${id} not found`);
