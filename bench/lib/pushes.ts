// Courier webhooks for the benchmarks: real Delhivery scan pushes (the simulator's format, see
// src/simulators/delhivery/views.ts scanPush) for booked shipments, each one distinct so none is a
// duplicate: shipments take turns, and each shipment's scans are one second apart (the dedupe key keeps
// seconds), starting 20 days ago so that no scan is ever in the future for its workflow.
import { delhiveryWebhook } from '../../src/couriers/delhivery';
import type { Booked } from './booking';

export interface Push {
  orderId: string;
  body: string;
  /** The tracking event's _id in the projection (tracking_events) once it is stored. */
  eventId: string;
}

export class PushSource {
  private n = 0;
  private readonly base = Date.now() - 20 * 86_400_000;

  /**
   * `moving`: scans alternate between in transit and out for delivery (a reattempt loop the status
   * machine allows), so every push moves the status and tells the store; by default every push is an
   * in-transit hub scan that changes nothing but the timeline, as most couriers' scans do.
   */
  constructor(
    private readonly shipments: readonly Booked[],
    private readonly mode: 'hub-scans' | 'moving' = 'hub-scans',
  ) {
    if (shipments.length === 0) throw new Error('no shipments to push scans for');
  }

  /** Pushes made so far. */
  get made(): number {
    return this.n;
  }

  next(): Push {
    const i = this.n++;
    const { orderId, awb } = this.shipments[i % this.shipments.length]!;
    const seq = Math.floor(i / this.shipments.length);
    const at = new Date(this.base + seq * 1000).toISOString().replace('Z', '');
    const ofd = this.mode === 'moving' && seq % 2 === 1;
    const body = JSON.stringify({
      Shipment: {
        Status: ofd
          ? { Status: 'Dispatched', StatusDateTime: at, StatusType: 'UD', StatusLocation: `Hub_${seq % 97} (Maharashtra)`, Instructions: 'Out for delivery' }
          : { Status: 'In Transit', StatusDateTime: at, StatusType: 'UD', StatusLocation: `Hub_${seq % 97} (Maharashtra)`, Instructions: 'Shipment in transit' },
        NSLCode: ofd ? 'X-DDD3FD' : 'X-PIOM',
        ReferenceNo: orderId,
        AWB: awb,
      },
    });
    return { orderId, body, eventId: eventIdOf(orderId, body) };
  }
}

/** The key the API derives for a push body, prefixed as the projection stores it. */
export function eventIdOf(orderId: string, body: string): string {
  const parsed = delhiveryWebhook.parse({ headers: {}, rawBody: Buffer.from(body), receivedAt: Date.now() });
  if (!parsed.ok) throw new Error(parsed.error);
  return `${orderId}:${parsed.events[0]!.key}`;
}
