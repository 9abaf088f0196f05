// What each notification event may say, and on which channels it goes. Templates are checked against
// this at start-up: a template that names a variable its event does not have fails to load, so a typo
// is found by the operator who made it, not by a customer who receives "Hi {{custmerName}}".
import type { NotificationEvent } from '../domain/notifications';

// Which event goes on which channel is the domain's table (src/domain/notifications.ts).
export { channelCarries, EVENT_CHANNELS, NOTIFICATION_EVENTS } from '../domain/notifications';

/**
 * How a value is printed: `url` must be http(s) (a template puts it in an href); `datetime`/`date` are
 * formatted in the store's time zone; `courier` turns an id into its name; `flag` is yes/no and may only
 * open a block.
 */
export type VariableKind = 'text' | 'url' | 'datetime' | 'date' | 'courier' | 'flag';

export interface VariableSpec {
  kind: VariableKind;
  /** Required: the message cannot be sent without it. Optional: may be printed only inside `{{#name}}…{{/name}}`. */
  required: boolean;
  /** Keys of the message's facts it is read from, first present wins; default: its own name. */
  from?: readonly string[];
  description: string;
}

export type VariableSet = Readonly<Record<string, VariableSpec>>;

/** Every event has these: the order and the store's branding (from config). */
export const COMMON_VARIABLES: VariableSet = {
  orderId: { kind: 'text', required: true, description: "the store's order id" },
  storeName: { kind: 'text', required: true, description: 'STORE_NAME' },
  supportEmail: { kind: 'text', required: false, description: 'STORE_SUPPORT_EMAIL' },
  supportPhone: { kind: 'text', required: false, description: 'STORE_SUPPORT_PHONE' },
  customerName: { kind: 'text', required: false, description: "the customer's name, when the order has one" },
};

const awb = (required: boolean): VariableSpec => ({ kind: 'text', required, description: "the courier's tracking number (AWB)" });
const courier = (required: boolean): VariableSpec => ({
  kind: 'courier',
  required,
  // An aggregator (Shiprocket) names the courier that actually carries the parcel; prefer that.
  from: ['courierName', 'courier'],
  description: 'who carries the parcel (e.g. "Delhivery")',
});
const trackingUrl = (required: boolean): VariableSpec => ({
  kind: 'url',
  required,
  from: ['trackingPageUrl', 'trackingUrl'],
  description: "the store's tracking page, else the courier's",
});

export const EVENT_VARIABLES: Record<NotificationEvent, VariableSet> = {
  shipped: {
    awb: awb(true),
    courier: courier(true),
    trackingUrl: trackingUrl(true),
    expectedDeliveryAt: { kind: 'date', required: false, description: "the courier's expected delivery date" },
  },
  out_for_delivery: {
    awb: awb(false),
    courier: courier(false),
    trackingUrl: trackingUrl(false),
  },
  delivered: {
    awb: awb(false),
    courier: courier(false),
    trackingUrl: trackingUrl(false),
    deliveredAt: { kind: 'datetime', required: false, from: ['deliveredAt', 'at'], description: 'when it was delivered' },
  },
  ndr_action_needed: {
    awb: awb(false),
    courier: courier(false),
    // Only the store's own page lets the customer choose what happens next; a courier page cannot.
    trackingUrl: { kind: 'url', required: true, from: ['trackingPageUrl'], description: "the store's self-service tracking page (reattempt, new address, …)" },
    reasonText: { kind: 'text', required: false, description: "the courier's reason for the failed attempt" },
    deadlineAt: { kind: 'datetime', required: false, description: 'when the default action happens if the customer does not answer' },
    attempts: { kind: 'text', required: false, description: 'delivery attempts so far' },
  },
  rto_initiated: {
    awb: awb(false),
    courier: courier(false),
    trackingUrl: trackingUrl(false),
    reasonText: { kind: 'text', required: false, description: 'why the parcel is going back' },
  },
  admin_ndr_alert: {
    awb: awb(true),
    courier: courier(true),
    reason: { kind: 'text', required: false, description: 'normalised NDR reason code (e.g. consignee_unavailable)' },
    reasonText: { kind: 'text', required: false, description: "the courier's own words" },
    attempts: { kind: 'text', required: false, description: 'delivery attempts so far' },
    deadlineAt: { kind: 'datetime', required: false, description: 'when the default action happens' },
    escalated: { kind: 'flag', required: false, description: 'yes when the courier has no NDR API and ops must act by hand' },
    trackingUrl: trackingUrl(false),
  },
  stuck_alert: {
    awb: awb(true),
    courier: courier(true),
    status: { kind: 'text', required: true, description: 'the shipment status it is stuck in' },
    lastEventAt: { kind: 'datetime', required: true, description: 'the last courier scan' },
    trackingUrl: trackingUrl(false),
  },
  // Not about one shipment: orderId is the order whose event the endpoint last failed to take.
  store_endpoint_disabled: {
    endpointUrl: { kind: 'text', required: true, description: "the store webhook endpoint's URL" },
    endpointId: { kind: 'text', required: true, description: 'its id (ep_…)' },
    reason: { kind: 'text', required: true, description: 'why it was disabled (410 Gone, or failing for days)' },
  },
};

/** All variables a template for `event` may use. */
export function variablesFor(event: NotificationEvent): VariableSet {
  return { ...COMMON_VARIABLES, ...EVENT_VARIABLES[event] };
}

/** Variables of an email layout: the branding, the subject, and the rendered message as `content`. */
export const LAYOUT_VARIABLES: VariableSet = {
  storeName: COMMON_VARIABLES.storeName!,
  supportEmail: COMMON_VARIABLES.supportEmail!,
  supportPhone: COMMON_VARIABLES.supportPhone!,
  subject: { kind: 'text', required: true, description: "the message's rendered subject" },
  content: { kind: 'text', required: true, description: "the event's rendered HTML body (inserted as is, already escaped)" },
};
