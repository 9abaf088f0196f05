// The polling fallback, as an activity whose retries do the polling (see docs/workflow.md for the
// measured choice). While the courier has nothing new the activity fails benignly with the delay to
// the next poll, and Temporal retries it without writing history; it completes only when it found
// new scans. The workflow re-arms it when what decides the cadence (the status) changes.
import { ActivityCancellationType, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { PollTrackingInput, ShipmentActivities, TrackOutput } from '../../activities';
import { pollDelayMs } from '../../domain/shipment-policy';
import type { ShipmentOptions } from './contract';
import { shipmentRef, type ShipmentState } from './state';

/** Keys the poller skips; older events are already far behind the courier's current page. */
const MAX_POLL_KNOWN_KEYS = 200;
/** Permanent poll failures (auth, unknown AWB) back off to this. */
const MAX_POLL_FAILURE_BACKOFF_MS = 24 * 3_600_000;

const { pollTracking } = proxyActivities<ShipmentActivities>({
  // One courier call plus the bulk-batching window.
  startToCloseTimeout: '2 minutes',
  // The activity sets nextRetryDelay on every failure; these values only bound a failure that does not.
  retry: { initialInterval: '5 minutes', backoffCoefficient: 1, maximumInterval: '1 day' },
  cancellationType: ActivityCancellationType.TRY_CANCEL,
});

export class Poller {
  private scope: CancellationScope | undefined;
  private armedKey: string | undefined;
  /** Results and failures wait here for the main loop. */
  readonly found: TrackOutput[] = [];
  failure: string | undefined;
  /** Failed polls in a row: each doubles the wait before the next one. */
  private failures = 0;

  get running(): boolean {
    return this.scope !== undefined;
  }

  /** The next poll result for the main loop; a result ends a run of failures. */
  takeFound(): TrackOutput | undefined {
    const out = this.found.shift();
    if (out) this.failures = 0;
    return out;
  }

  /** The last poll failure for the main loop. */
  takeFailure(): string | undefined {
    const failure = this.failure;
    this.failure = undefined;
    this.failures += 1;
    return failure;
  }

  /**
   * Runs the poll the shipment's state calls for: none before booking; a new one when the status,
   * the AWB or the run of failures changes (each failure doubles the first delay, up to a day).
   */
  armFor(s: ShipmentState, opts: ShipmentOptions): void {
    const ref = shipmentRef(s);
    if (!ref) return this.stop();
    const status = s.machine.status;
    const flowing = s.lastWebhookAt !== undefined && Date.now() - Date.parse(s.lastWebhookAt) < opts.webhookFreshHours * 3_600_000;
    const firstDelayMs = Math.min(
      MAX_POLL_FAILURE_BACKOFF_MS,
      pollDelayMs({ status, webhooksFlowing: flowing, unchangedPolls: 0, jitterSeed: ref.awb, overrides: opts.pollMinutes }) * 2 ** this.failures,
    );
    this.arm(`${status}:${ref.awb}:${this.failures}`, () => ({
      courier: s.courier,
      ref,
      status,
      ...(s.lastWebhookAt ? { lastWebhookAt: s.lastWebhookAt } : {}),
      webhookFreshHours: opts.webhookFreshHours,
      knownKeys: s.machine.events.slice(-MAX_POLL_KNOWN_KEYS).map((e) => e.key),
      firstDelayMs,
      pollMinutes: opts.pollMinutes,
    }));
  }

  /** Starts a poller for `key` unless one for the same key is running. */
  private arm(key: string, input: () => PollTrackingInput): void {
    if (this.scope && this.armedKey === key) return;
    this.stop();
    const scope = new CancellationScope();
    this.scope = scope;
    this.armedKey = key;
    scope
      .run(() => pollTracking(input()))
      .then((out) => {
        this.found.push(out);
      })
      .catch((e) => {
        if (!isCancellation(e)) this.failure = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : 'poll failed';
      })
      .finally(() => {
        if (this.scope === scope) {
          this.scope = undefined;
          this.armedKey = undefined;
        }
      });
  }

  stop(): void {
    this.scope?.cancel();
    this.scope = undefined;
    this.armedKey = undefined;
  }
}
