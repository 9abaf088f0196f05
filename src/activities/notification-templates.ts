// Words of each notification. Plain text for now; the real senders may map `data` onto provider templates.
import type { NotificationEvent } from '../storage/types';

type Facts = Record<string, string | number | boolean>;
const str = (v: unknown) => (v === undefined ? '' : String(v));

export function render(event: NotificationEvent, orderId: string, f: Facts): { subject: string; text: string } {
  const link = str(f.trackingPageUrl || f.trackingUrl);
  switch (event) {
    case 'shipped':
      return { subject: `Order ${orderId} has shipped`, text: `Your order ${orderId} has shipped with ${str(f.courier)} (AWB ${str(f.awb)}). Track it here: ${link}` };
    case 'out_for_delivery':
      return { subject: `Order ${orderId} is out for delivery`, text: `Your order ${orderId} is out for delivery today. Track it here: ${link}` };
    case 'delivered':
      return { subject: `Order ${orderId} was delivered`, text: `Your order ${orderId} was delivered. Thank you for shopping with us.` };
    case 'ndr_action_needed':
      return {
        subject: `Delivery attempt failed for order ${orderId}`,
        text: `We could not deliver order ${orderId} (${str(f.reasonText)}). Tell us what to do by ${str(f.deadlineAt)}: ${link}`,
      };
    case 'rto_initiated':
      return { subject: `Order ${orderId} is being returned`, text: `Order ${orderId} could not be delivered and is being returned to us. We will contact you about a refund or a new shipment.` };
    case 'admin_ndr_alert':
      return {
        subject: `[NDR] Order ${orderId}: ${str(f.reason)} (attempt ${str(f.attempts)})`,
        text: `Courier ${str(f.courier)} reported a failed delivery for order ${orderId}, AWB ${str(f.awb)}: ${str(f.reasonText)}. Default action at ${str(f.deadlineAt)} unless someone responds.${f.escalated ? ' This courier has no NDR API: ops must act.' : ''}`,
      };
    case 'stuck_alert':
      return {
        subject: `[Stuck] Order ${orderId}: no scan since ${str(f.lastEventAt)}`,
        text: `Shipment ${str(f.awb)} (${str(f.courier)}) has been ${str(f.status)} with no new scan since ${str(f.lastEventAt)}.`,
      };
  }
}
