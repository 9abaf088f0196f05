// The arithmetic of sync analytics, free of I/O: facts read from the projection go in, one period's
// numbers come out. docs/ops-console.md ("Analytics definitions") states each formula; keep them in step.
import type { CourierId } from '../domain/events';
import { ascending, nearestRank, ratio, round } from './percentile';

/** A courier event that moved a shipment's status, as Waybill received it. */
export interface AppliedEventFact {
  courier: CourierId;
  source: 'webhook' | 'poll';
  /** When Waybill received it (the period it counts in), ms. */
  receivedAt: number;
  /** receivedAt − the courier's occurredAt, floored at 0 (courier clocks run ahead at times), ms. */
  latencyMs: number;
}

export type Outcome = 'delivered' | 'rto' | 'lost';

/** A shipment that reached its outcome: delivered, returned to origin (RTO), or lost/damaged. */
export interface OutcomeFact {
  courier: CourierId;
  outcome: Outcome;
  /** When the outcome happened (the period it counts in), ms. */
  at: number;
  /** At least one failed delivery attempt (NDR) before the outcome. */
  hadNdr: boolean;
  /** Booked → delivered, hours; only for delivered shipments with both times known. */
  deliveryHours?: number;
  /**
   * The delivery-time bin of the unrounded hours, when deliveryHours is already rounded to a tenth (the
   * read models keep it so; binning the rounded value would move 23.96 h into the next day).
   */
  deliveryBin?: DeliveryBin;
}

export function deliveryBinOf(hours: number): DeliveryBin {
  return DELIVERY_TIME_BINS.find((b) => hours < b.below)!.key;
}

/** Delivery time bins, upper bounds exclusive, in hours. */
export const DELIVERY_TIME_BINS = [
  { key: 'lt_1d', label: '< 1 day', below: 24 },
  { key: '1_2d', label: '1–2 days', below: 48 },
  { key: '2_3d', label: '2–3 days', below: 72 },
  { key: '3_5d', label: '3–5 days', below: 120 },
  { key: '5_7d', label: '5–7 days', below: 168 },
  { key: '7d_plus', label: '7 days or more', below: Infinity },
] as const;
export type DeliveryBin = (typeof DELIVERY_TIME_BINS)[number]['key'];

export interface PeriodMetrics {
  events: { webhook: number; poll: number; /** webhook ÷ (webhook + poll) */ webhookShare: number | null };
  latency: { count: number; p50Seconds: number | null; p95Seconds: number | null };
  outcomes: {
    closed: number;
    delivered: number;
    rto: number;
    lost: number;
    /** Closed shipments that had an NDR. */
    ndr: number;
    ndrRate: number | null;
    /** Had an NDR, then delivered. */
    ndrRecovered: number;
    /** Had an NDR, then returned to origin. */
    ndrRto: number;
    /** ndrRecovered ÷ (ndrRecovered + ndrRto) */
    ndrRecoveryRate: number | null;
    rtoRate: number | null;
  };
  deliveryTime: { count: number; p50Hours: number | null; p95Hours: number | null; histogram: Record<DeliveryBin, number> };
}

export class PeriodAccumulator {
  private webhook = 0;
  private poll = 0;
  private readonly latencies: number[] = [];
  private delivered = 0;
  private rto = 0;
  private lost = 0;
  private ndr = 0;
  private ndrRecovered = 0;
  private ndrRto = 0;
  private readonly deliveryHours: number[] = [];
  private readonly deliveryBins: DeliveryBin[] = [];

  addEvent(e: AppliedEventFact): void {
    if (e.source === 'webhook') this.webhook++;
    else this.poll++;
    this.latencies.push(e.latencyMs);
  }

  addOutcome(o: OutcomeFact): void {
    this[o.outcome]++;
    if (o.hadNdr) {
      this.ndr++;
      if (o.outcome === 'delivered') this.ndrRecovered++;
      if (o.outcome === 'rto') this.ndrRto++;
    }
    if (o.outcome === 'delivered' && o.deliveryHours !== undefined) {
      this.deliveryHours.push(o.deliveryHours);
      this.deliveryBins.push(o.deliveryBin ?? deliveryBinOf(o.deliveryHours));
    }
  }

  result(): PeriodMetrics {
    const lat = ascending(this.latencies);
    const hours = ascending(this.deliveryHours);
    const closed = this.delivered + this.rto + this.lost;
    const seconds = (ms: number | null) => (ms === null ? null : round(ms / 1000, 1));
    const oneDecimal = (h: number | null) => (h === null ? null : round(h, 1));
    const histogram = Object.fromEntries(DELIVERY_TIME_BINS.map((b) => [b.key, 0])) as Record<DeliveryBin, number>;
    for (const b of this.deliveryBins) histogram[b]++;
    return {
      events: { webhook: this.webhook, poll: this.poll, webhookShare: ratio(this.webhook, this.webhook + this.poll) },
      latency: { count: lat.length, p50Seconds: seconds(nearestRank(lat, 50)), p95Seconds: seconds(nearestRank(lat, 95)) },
      outcomes: {
        closed,
        delivered: this.delivered,
        rto: this.rto,
        lost: this.lost,
        ndr: this.ndr,
        ndrRate: ratio(this.ndr, closed),
        ndrRecovered: this.ndrRecovered,
        ndrRto: this.ndrRto,
        ndrRecoveryRate: ratio(this.ndrRecovered, this.ndrRecovered + this.ndrRto),
        rtoRate: ratio(this.rto, closed),
      },
      deliveryTime: { count: hours.length, p50Hours: oneDecimal(nearestRank(hours, 50)), p95Hours: oneDecimal(nearestRank(hours, 95)), histogram },
    };
  }
}
