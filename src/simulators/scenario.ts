// Courier-neutral scenario engine: advances simulated shipments along scripts on a clock that tests
// drive. Each courier simulator turns the normalised steps into its own codes and webhook format.
import type { NdrReason, ShipmentStatus } from '../domain/status';

export interface SimClock {
  now(): number;
}

/** A clock that only moves when told to (tests), starting at a fixed instant. */
export class ManualClock implements SimClock {
  constructor(private t: number = Date.UTC(2026, 0, 5, 4, 30)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
  set(ms: number): void {
    this.t = ms;
  }
}

export const realClock: SimClock = { now: () => Date.now() };

export interface ScenarioStep {
  /** Delay after the previous step (or after booking, for the first). */
  afterMs: number;
  status: ShipmentStatus;
  /** Set on `undelivered` steps. */
  ndr?: NdrReason;
  location?: string;
  /** An informational scan that does not change the status (e.g. "added to bag"). */
  informational?: boolean;
}

const H = 3_600_000;

const FORWARD: ScenarioStep[] = [
  { afterMs: 2 * H, status: 'pickup_scheduled', location: 'Bengaluru_Bomsndra_PC (Karnataka)' },
  { afterMs: 6 * H, status: 'picked_up', location: 'Bengaluru_Bomsndra_PC (Karnataka)' },
  { afterMs: 4 * H, status: 'in_transit', location: 'Bengaluru_Nelmngla_H (Karnataka)' },
  { afterMs: 10 * H, status: 'in_transit', location: 'Pune_Chakan_H (Maharashtra)', informational: true },
  { afterMs: 12 * H, status: 'in_transit', location: 'Mumbai_Bhiwandi_H (Maharashtra)' },
];
const TO_DOOR: ScenarioStep[] = [{ afterMs: 8 * H, status: 'out_for_delivery', location: 'Mumbai_Malad_DC (Maharashtra)' }];
const RTO_TAIL: ScenarioStep[] = [
  { afterMs: 24 * H, status: 'rto_initiated', location: 'Mumbai_Malad_DC (Maharashtra)' },
  { afterMs: 12 * H, status: 'rto_in_transit', location: 'Mumbai_Bhiwandi_H (Maharashtra)' },
  { afterMs: 48 * H, status: 'rto_delivered', location: 'Bengaluru_Bomsndra_PC (Karnataka)' },
];

export const SCENARIOS = {
  /** 8 scans: booked is implicit at creation; the rest arrive over about three days. */
  happy: [...FORWARD, ...TO_DOOR, { afterMs: 4 * H, status: 'delivered', location: 'Mumbai_Malad_DC (Maharashtra)' }],
  ndr_reattempt_delivered: [
    ...FORWARD,
    ...TO_DOOR,
    { afterMs: 6 * H, status: 'undelivered', ndr: 'consignee_unavailable', location: 'Mumbai_Malad_DC (Maharashtra)' },
    { afterMs: 18 * H, status: 'out_for_delivery', location: 'Mumbai_Malad_DC (Maharashtra)' },
    { afterMs: 4 * H, status: 'delivered', location: 'Mumbai_Malad_DC (Maharashtra)' },
  ],
  ndr_rto: [
    ...FORWARD,
    ...TO_DOOR,
    { afterMs: 6 * H, status: 'undelivered', ndr: 'refused', location: 'Mumbai_Malad_DC (Maharashtra)' },
    ...RTO_TAIL,
  ],
  lost: [...FORWARD.slice(0, 3), { afterMs: 72 * H, status: 'lost', location: 'Pune_Chakan_H (Maharashtra)' }],
  cancelled_before_pickup: [{ afterMs: 1 * H, status: 'pickup_scheduled' }, { afterMs: 2 * H, status: 'cancelled' }],
  pickup_failure: [
    { afterMs: 2 * H, status: 'pickup_scheduled' },
    { afterMs: 8 * H, status: 'pickup_failed', location: 'Bengaluru_Bomsndra_PC (Karnataka)' },
    { afterMs: 16 * H, status: 'pickup_scheduled' },
    ...FORWARD.slice(1),
    ...TO_DOOR,
    { afterMs: 4 * H, status: 'delivered', location: 'Mumbai_Malad_DC (Maharashtra)' },
  ],
  /** Booked and never scanned: for stuck-shipment detection. */
  silent: [],
} satisfies Record<string, ScenarioStep[]>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

export interface EmittedScan {
  /** 0-based index within the shipment's emitted scans. */
  seq: number;
  at: number; // epoch ms, courier time
  status: ShipmentStatus;
  ndr?: NdrReason;
  location: string;
  informational: boolean;
}

export interface SimShipment {
  awb: string;
  orderId: string;
  scenario: ScenarioName;
  bookedAt: number;
  /** Steps still to come; the head is due at nextDueAt. */
  pending: ScenarioStep[];
  nextDueAt: number;
  scans: EmittedScan[];
  /** NDR actions received through the courier's API, in order. */
  ndrActions: Array<{ at: number; action: string; detail?: Record<string, unknown> }>;
  cancelled: boolean;
}

export function currentStatus(s: SimShipment): ShipmentStatus {
  for (let i = s.scans.length - 1; i >= 0; i--) if (!s.scans[i]!.informational) return s.scans[i]!.status;
  return 'booked';
}

/**
 * Holds every simulated shipment of one courier and advances them. `onScan` is called for each scan as
 * it becomes due (the courier simulator records it in its own format and pushes the webhook).
 */
export class ScenarioEngine {
  readonly shipments = new Map<string, SimShipment>();
  /** Divides every scripted delay: 3600 turns an hour of courier time into a second (demos). */
  timeScale = 1;

  constructor(
    readonly clock: SimClock,
    private readonly onScan: (shipment: SimShipment, scan: EmittedScan) => void = () => {},
  ) {}

  private delay(step: ScenarioStep | undefined): number {
    return step ? step.afterMs / this.timeScale : Infinity;
  }

  add(awb: string, orderId: string, scenario: ScenarioName): SimShipment {
    const steps = [...SCENARIOS[scenario]];
    const now = this.clock.now();
    const s: SimShipment = {
      awb,
      orderId,
      scenario,
      bookedAt: now,
      pending: steps,
      nextDueAt: now + this.delay(steps[0]),
      scans: [],
      ndrActions: [],
      cancelled: false,
    };
    this.shipments.set(awb, s);
    return s;
  }

  get(awb: string): SimShipment | undefined {
    return this.shipments.get(awb);
  }

  /** Emit every scan due by the clock's now; returns how many were emitted. */
  tick(): number {
    const now = this.clock.now();
    let n = 0;
    for (const s of this.shipments.values()) {
      while (s.pending.length > 0 && s.nextDueAt <= now) {
        const step = s.pending.shift()!;
        const scan: EmittedScan = {
          seq: s.scans.length,
          at: s.nextDueAt,
          status: step.status,
          ndr: step.ndr,
          location: step.location ?? 'Mumbai_Malad_DC (Maharashtra)',
          informational: step.informational ?? false,
        };
        s.scans.push(scan);
        s.nextDueAt += this.delay(s.pending[0]);
        this.onScan(s, scan);
        n++;
      }
    }
    return n;
  }

  /**
   * An NDR action from the courier API. 'return' turns the remaining journey into an RTO; a reattempt
   * or reschedule brings the next delivery attempt forward if the script had none.
   */
  recordNdrAction(awb: string, action: 'reattempt' | 'reschedule' | 'return' | 'edit', detail?: Record<string, unknown>): void {
    const s = this.shipments.get(awb);
    if (!s) return;
    const now = this.clock.now();
    s.ndrActions.push({ at: now, action, detail });
    if (action === 'return') this.replaceRemaining(s, RTO_TAIL);
    else if (action !== 'edit' && !s.pending.some((p) => p.status === 'out_for_delivery')) {
      this.replaceRemaining(s, [...TO_DOOR.map((t) => ({ ...t, afterMs: 12 * H })), { afterMs: 4 * H, status: 'delivered' }]);
    }
  }

  /** Cancel: before pickup the shipment is cancelled; after pickup the courier returns it (RTO). */
  cancel(awb: string): 'cancelled' | 'rto' | 'too_late' | 'unknown' {
    const s = this.shipments.get(awb);
    if (!s) return 'unknown';
    const status = currentStatus(s);
    if (['delivered', 'rto_delivered', 'cancelled', 'lost', 'damaged'].includes(status)) return 'too_late';
    s.cancelled = true;
    if (['booked', 'pickup_scheduled', 'pickup_failed'].includes(status)) {
      this.replaceRemaining(s, [{ afterMs: 30 * 60_000, status: 'cancelled' }]);
      return 'cancelled';
    }
    this.replaceRemaining(s, RTO_TAIL);
    return 'rto';
  }

  private replaceRemaining(s: SimShipment, steps: ScenarioStep[]): void {
    s.pending = [...steps];
    s.nextDueAt = this.clock.now() + this.delay(steps[0]);
  }
}
