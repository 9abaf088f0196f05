// POST /courier/assign/awb, POST /courier/generate/pickup, GET /courier/serviceability/ (couriers.md §1.4, §1.5, §1.7).
import type { Router } from 'express';
import { isSimServiceable } from '../../types';
import { bodyOf, type SimContext } from '../context';
import { istDateTime, nextPickupSlot, phpDateTime } from '../time';
import { SIM_COURIERS, type SimCourier } from '../store';
import { Checker, validationEnvelope } from '../validation';

const DAY = 86_400_000;

export function mountCourier(r: Router, ctx: SimContext): void {
  r.post('/courier/assign/awb', (req, res) => {
    const b = bodyOf(req);
    if (b.shipment_id === undefined || b.shipment_id === null || b.shipment_id === '') {
      // Verbatim from the reference's sample (SR-OA-CUR).
      res.status(422).json({ message: 'Required field missing', errors: { shipment_id: ['The shipment id field is required.'] }, status_code: 422 });
      return;
    }
    const order = ctx.store.byShipmentId(Number(b.shipment_id));
    if (!order) {
      res.status(400).json({ message: 'Invalid shipment id', status_code: 400 });
      return;
    }
    if (b.status === 'reassign') {
      res.status(400).json({ message: 'Oops! Cannot reassign courier for this shipment.', status_code: 400 });
      return;
    }
    const refuse = (error: string) => res.json({ awb_assign_status: 0, response: { data: { awb_assign_error: error } } });
    // Failures come back under HTTP 200 with awb_assign_status 0 (as integrators handle them).
    if (order.awb) return void refuse('AWB is already assigned');
    if (order.cancelRequestedAt !== undefined) return void refuse('Order is cancelled, AWB cannot be assigned');
    if (!isSimServiceable(order.customer.pincode)) return void refuse(`Delivery pincode ${order.customer.pincode} is not serviceable by any courier`);
    let courier: SimCourier = SIM_COURIERS[0]!;
    if (b.courier_id !== undefined && b.courier_id !== null && b.courier_id !== '') {
      const chosen = SIM_COURIERS.find((c) => c.id === Number(b.courier_id));
      if (!chosen) return void refuse(`Courier ${String(b.courier_id)} is not active for this account`);
      courier = chosen;
    }
    const now = ctx.clock.now();
    order.awb = ctx.store.newAwb();
    order.courier = courier;
    order.awbAssignedAt = now;
    ctx.engine.add(order.awb, order.channelOrderId, ctx.scenarioFor(order.channelOrderId));
    res.json({
      awb_assign_status: 1,
      response: {
        data: {
          courier_company_id: courier.id,
          awb_code: order.awb,
          cod: order.paymentMethod === 'COD' ? 1 : 0,
          order_id: order.srOrderId,
          shipment_id: order.shipmentId,
          awb_code_status: 1,
          assigned_date_time: phpDateTime(now),
          applied_weight: order.weightKg,
          company_id: 25_149,
          courier_name: courier.name,
          child_courier_name: null,
          pickup_scheduled_date: null,
          routing_code: '',
          rto_routing_code: '',
          invoice_no: `Retail${String(order.srOrderId).slice(-5)}`,
          transporter_id: '',
          transporter_name: '',
          shipped_by: { shipper_company_name: 'Waybill Test Store', shipper_address_1: ctx.pickupLocation.nickname, shipper_phone: '9000000000' },
        },
      },
    });
  });

  r.post('/courier/generate/pickup', (req, res) => {
    const ids = bodyOf(req).shipment_id;
    if (!Array.isArray(ids) || ids.length === 0) {
      res.status(422).json(validationEnvelope({ shipment_id: ['The shipment id field is required.'] }));
      return;
    }
    const order = ctx.store.byShipmentId(Number(ids[0]));
    if (!order) {
      res.status(400).json({ message: 'Invalid shipment id', status_code: 400 });
      return;
    }
    if (!order.awb) {
      res.status(400).json({ message: 'Please assign AWB before generating pickup', status_code: 400 });
      return;
    }
    if (order.pickup) {
      // Verbatim from integrator code handling this 400.
      res.status(400).json({ message: 'Already in Pickup Queue.', status_code: 400 });
      return;
    }
    const now = ctx.clock.now();
    const scheduledFor = nextPickupSlot(now);
    const token = `Reference No: ${order.courier?.id ?? 0}_SIM ${order.shipmentId}_${istDateTime(now).slice(0, 10).replace(/-/g, '')}`;
    order.pickup = { generatedAt: now, scheduledFor, token };
    res.json({
      pickup_status: 1,
      response: {
        pickup_scheduled_date: istDateTime(scheduledFor),
        pickup_token_number: token,
        status: 3,
        // A JSON-encoded string, as in the reference sample.
        others: JSON.stringify({ tracking_id: order.awb, pickup_token: token }),
        pickup_generated_date: phpDateTime(now),
        data: `Pickup is confirmed by ${order.courier?.name ?? 'courier'} For AWB :- ${order.awb}`,
      },
    });
  });

  r.get('/courier/serviceability/', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const c = new Checker(q).required('pickup_postcode', 'delivery_postcode').digits('pickup_postcode', 6).digits('delivery_postcode', 6);
    if (!c.has('order_id')) c.required('cod', 'weight').oneOf('cod', ['0', '1']).greaterThan('weight', 0);
    if (!c.ok) {
      res.status(422).json(validationEnvelope(c.errors));
      return;
    }
    if (c.has('order_id')) {
      const order = ctx.store.orders.find((o) => String(o.srOrderId) === String(q.order_id));
      if (!order) {
        res.status(404).json({ status: 404, message: 'Order does not exist!' });
        return;
      }
    }
    const delivery = String(q.delivery_postcode);
    const now = ctx.clock.now();
    const rows = isSimServiceable(delivery)
      ? SIM_COURIERS.map((courier, i) => ({
          air_max_weight: '4.00',
          surface_max_weight: '20.00',
          city: 'Mumbai',
          state: 'Maharashtra',
          postcode: delivery,
          courier_company_id: courier.id,
          courier_name: courier.name,
          courier_type: '0',
          rate: 54 + i * 8,
          freight_charge: 54 + i * 8,
          cod_charges: q.cod === '1' ? 35 : 0,
          cod_multiplier: q.cod === '1' ? 1.5 : 0,
          rto_charges: 54 + i * 8,
          coverage_charges: 0,
          other_charges: 0,
          etd: new Date(now + courier.etdDays * DAY).toLocaleDateString('en-US', { month: 'short', day: '2-digit', year: 'numeric', timeZone: 'Asia/Kolkata' }),
          etd_hours: courier.etdDays * 24,
          estimated_delivery_days: String(courier.etdDays),
          edd: '',
          cod: 1,
          min_weight: 0.5,
          charge_weight: Math.max(0.5, Number(q.weight) || 0.5),
          zone: 'z_d',
          rating: 4.1 - i * 0.3,
          delivery_performance: 4.3,
          pickup_performance: 4.2,
          rto_performance: 4.5,
          tracking_performance: 4.6,
          is_surface: true,
          is_hyperlocal: false,
          is_international: 0,
          mode: 0,
          odablock: false,
          blocked: 0,
          cutoff_time: '11:00',
          pod_available: 'Instant',
          realtime_tracking: 'Real Time',
          others: JSON.stringify({ allow_postcode_auto_sync: 1 }),
          suppression_dates: null,
          id: 900 + i,
        }))
      : [];
    res.json({
      status: 200,
      currency: 'INR',
      company_auto_shipment_insurance_setting: false,
      covid_zones: { delivery_zone: null, pickup_zone: null },
      data: {
        available_courier_companies: rows,
        blocked_courier_companies: [],
        recommended_courier_company_id: rows[0]?.courier_company_id ?? null,
        shiprocket_recommended_courier_id: rows[0]?.courier_company_id ?? null,
      },
      dg_courier: 0,
      eligible_for_insurance: 0,
      is_allow_templatized_pricing: true,
      label_generate_type: 1,
    });
  });
}
