// An order (as the store pushed it) → what a courier needs to book it. Pure.
import type { CreateShipmentRequest } from '../couriers/types';
import { totalWeightGrams } from '../couriers/common/units';
import type { OrderDoc } from '../storage/types';

export class OrderNotShippableError extends Error {
  override readonly name = 'OrderNotShippableError';
  constructor(
    readonly code: 'missing_weight' | 'missing_phone',
    message: string,
  ) {
    super(message);
  }
}

/** A small box; couriers require dimensions and the store keeps none. */
const DEFAULT_BOX_CM = { lengthCm: 20, breadthCm: 15, heightCm: 10 };

export function shipmentRequestFor(order: OrderDoc, defaultItemWeightGrams: number): CreateShipmentRequest {
  const weight = totalWeightGrams(order.items, defaultItemWeightGrams);
  if (weight.defaulted > 0 && defaultItemWeightGrams <= 0) {
    const names = order.items.filter((i) => !i.weight).map((i) => i.sku);
    throw new OrderNotShippableError('missing_weight', `no usable weight for item(s) ${names.join(', ') || 'with unparsable weights'}; set weights like "500g" or "1kg"`);
  }
  if (!order.customer.phone) throw new OrderNotShippableError('missing_phone', 'couriers require the consignee phone number');
  return {
    orderId: order._id,
    orderDate: order.createdAt,
    consignee: {
      name: order.customer.name,
      phone: order.customer.phone,
      email: order.customer.email,
      address1: order.shippingAddress.address1,
      address2: order.shippingAddress.address2,
      city: order.shippingAddress.city,
      state: order.shippingAddress.state,
      pincode: order.shippingAddress.pincode,
      country: 'IN',
    },
    items: order.items.map((i) => ({ name: i.name, sku: i.sku, quantity: i.quantity, unitPrice: i.unitPrice })),
    paymentMethod: order.paymentMethod,
    codAmount: order.paymentMethod === 'cod' ? order.codAmount : 0,
    orderValue: order.orderValue,
    parcel: { weightGrams: weight.grams, ...DEFAULT_BOX_CM },
  };
}
