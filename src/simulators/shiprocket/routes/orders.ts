// POST /orders/create/adhoc, GET /orders (search), POST /orders/cancel/shipment/awbs (couriers.md §1.3, §1.6).
import type { Router } from 'express';
import { bodyOf, type SimContext } from '../context';
import { orderListItem } from '../payloads';
import { cancellable } from '../store';
import { Checker, truthy, validationEnvelope } from '../validation';

const REQUIRED = [
  'order_id',
  'order_date',
  'pickup_location',
  'billing_customer_name',
  'billing_address',
  'billing_city',
  'billing_pincode',
  'billing_state',
  'billing_country',
  'billing_email',
  'billing_phone',
  'payment_method',
  'sub_total',
  'length',
  'breadth',
  'height',
  'weight',
] as const;

const SHIPPING_MIRROR = ['shipping_customer_name', 'shipping_address', 'shipping_city', 'shipping_pincode', 'shipping_state', 'shipping_country', 'shipping_phone'];

export function mountOrders(r: Router, ctx: SimContext): void {
  r.post('/orders/create/adhoc', (req, res) => {
    const b = bodyOf(req);
    const c = new Checker(b).required(...REQUIRED);
    c.maxLength('order_id', 50)
      .maxLength('billing_city', 30)
      .digits('billing_pincode', 6)
      .digits('billing_phone', 10)
      .email('billing_email')
      .oneOf('payment_method', ['COD', 'Prepaid'])
      .custom('order_date', !c.has('order_date') || /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/.test(String(b.order_date)), 'The order date does not match the format Y-m-d H:i.');
    for (const dim of ['length', 'breadth', 'height']) c.greaterThan(dim, 0.5);
    c.greaterThan('weight', 0);
    const shippingIsBilling = truthy(b.shipping_is_billing);
    c.custom('shipping_is_billing', shippingIsBilling !== undefined, 'The shipping is billing field must be true or false.');
    if (shippingIsBilling === false) c.required(...SHIPPING_MIRROR);
    const items = Array.isArray(b.order_items) ? (b.order_items as unknown[]) : [];
    c.custom('order_items', items.length > 0, 'The order items field is required.');
    items.forEach((item, i) => {
      const ic = new Checker(typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {}).required('name', 'sku', 'units', 'selling_price');
      ic.greaterThan('units', 0);
      for (const [f, msgs] of Object.entries(ic.errors)) for (const m of msgs) c.custom(`order_items.${i}.${f}`, false, m.replace(/^The /, `The order items.${i}.`));
    });
    if (!c.ok) {
      res.status(422).json(validationEnvelope(c.errors));
      return;
    }
    if (b.pickup_location !== ctx.pickupLocation.nickname) {
      res.status(422).json({
        message: 'Wrong Pickup location entered. Please choose one location from data given',
        errors: { pickup_location: [`No pickup location named "${String(b.pickup_location)}".`] },
        status_code: 422,
        data: { data: [{ pickup_location: ctx.pickupLocation.nickname, pin_code: ctx.pickupLocation.pincode }] },
      });
      return;
    }
    const orderId = String(b.order_id);
    // Order ids are unique for the account's lifetime, cancelled orders included (§1.3, §1.12 #7).
    // The real wording is unpublished; this is Laravel's message for a unique rule.
    if (ctx.store.byChannelOrderId(orderId)) {
      res.status(422).json(validationEnvelope({ order_id: ['The order id has already been taken.'] }, 'Order Id already exists'));
      return;
    }
    const order = ctx.store.newOrder({
      channelOrderId: orderId,
      pickupLocation: String(b.pickup_location),
      customer: {
        name: [b.billing_customer_name, b.billing_last_name].filter((x) => typeof x === 'string' && x !== '').join(' '),
        email: typeof b.billing_email === 'string' ? b.billing_email : undefined,
        phone: String(b.billing_phone),
        address: String(b.billing_address),
        address2: typeof b.billing_address_2 === 'string' ? b.billing_address_2 : undefined,
        city: String(b.billing_city),
        state: String(b.billing_state),
        pincode: String(b.billing_pincode),
      },
      paymentMethod: b.payment_method as 'COD' | 'Prepaid',
      subTotal: Number(b.sub_total),
      weightKg: Number(b.weight),
      dimensionsCm: [Number(b.length), Number(b.breadth), Number(b.height)],
      items: items.map((raw) => {
        const i = raw as Record<string, unknown>;
        return { name: String(i.name), sku: String(i.sku), units: Number(i.units), sellingPrice: Number(i.selling_price) };
      }),
    });
    res.json({
      order_id: order.srOrderId,
      shipment_id: order.shipmentId,
      status: 'NEW',
      status_code: 1,
      onboarding_completed_now: 0,
      awb_code: null,
      courier_company_id: null,
      courier_name: null,
    });
  });

  // "search: Search for AWB or by Channel order_id". Matching is by substring, as a search box is,
  // so "ORD-1" also finds "ORD-10": clients must compare ids exactly.
  r.get('/orders', (req, res) => {
    const search = typeof req.query.search === 'string' ? req.query.search.trim().toLowerCase() : '';
    const perPage = Math.min(Math.max(Number(req.query.per_page) || 15, 1), 100);
    const page = Math.max(Number(req.query.page) || 1, 1);
    const all = [...ctx.store.orders]
      .reverse()
      .filter((o) => search === '' || o.channelOrderId.toLowerCase().includes(search) || (o.awb ?? '').includes(search));
    const data = all.slice((page - 1) * perPage, page * perPage).map(orderListItem);
    res.json({
      data,
      meta: {
        pagination: {
          total: all.length,
          count: data.length,
          per_page: perPage,
          current_page: page,
          total_pages: Math.max(1, Math.ceil(all.length / perPage)),
          links: {},
        },
      },
    });
  });

  r.post('/orders/cancel/shipment/awbs', (req, res) => {
    const awbs = bodyOf(req).awbs;
    if (!Array.isArray(awbs) || awbs.length === 0) {
      res.status(422).json(validationEnvelope({ awbs: ['The awbs field is required.'] }));
      return;
    }
    if (awbs.length > 2000) {
      res.status(422).json(validationEnvelope({ awbs: ['The awbs may not have more than 2000 items.'] }));
      return;
    }
    const orders = awbs.map((a) => ({ awb: String(a), order: ctx.store.byAwb(String(a)) }));
    const unknown = orders.filter((o) => !o.order).map((o) => o.awb);
    if (unknown.length > 0) {
      res.status(404).json({ message: `AWB not found: ${unknown.join(', ')}`, status_code: 404 });
      return;
    }
    const refused = orders.map((o) => ({ awb: o.awb, verdict: cancellable(o.order!) })).filter((o) => !o.verdict.ok);
    if (refused.length > 0) {
      // Nothing is cancelled when any AWB is refused: the caller retries the rest explicitly.
      const why = refused.map((o) => `${o.awb}: ${o.verdict.ok ? '' : o.verdict.why}`).join('; ');
      res.status(400).json({ message: `Cancellation is not allowed for ${why}`, status_code: 400 });
      return;
    }
    for (const { order } of orders) {
      order!.cancelRequestedAt = ctx.clock.now();
      ctx.engine.cancel(order!.awb!);
    }
    // The success body is unpublished (couriers.md §5.5); this is the simulator's choice.
    res.json({ message: 'Bulk Shipment cancellation is in progress. Please wait for 24 hours.' });
  });
}
