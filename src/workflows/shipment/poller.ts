// The polling fallback, as an activity whose retries do the polling (see docs/workflow.md for the
// measured choice). While the courier has nothing new the activity fails benignly with the delay to
// the next poll, and Temporal retries it without writing history; it completes only when it found
// new scans. The workflow re-arms it when what decides the cadence (the status) changes.
import { ActivityCancellationType, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { PollTrackingInput, ShipmentActivities, TrackOutput } from '../../activities';

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

  get running(): boolean {
    return this.scope !== undefined;
  }

  /** Starts a poller for `key` unless one for the same key is running. */
  arm(key: string, input: () => PollTrackingInput): void {
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
