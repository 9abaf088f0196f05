// One durable timer for "the next deadline", re-armed lazily. A plain `condition(fn, timeout)` in the
// main loop would cancel and restart a timer on every signal (two history events each); here a later
// deadline keeps the armed timer (it fires early and the loop re-arms) and only an earlier one replaces it.
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

export class Alarm {
  private armedFor: number | undefined;
  private scope: CancellationScope | undefined;
  /** Set when the armed time has come; the main loop clears it after checking its deadlines. */
  rang = false;

  set(at: number | undefined): void {
    if (at === undefined) return this.clear();
    if (this.armedFor !== undefined && this.armedFor <= at) return;
    this.clear();
    const scope = new CancellationScope();
    this.scope = scope;
    this.armedFor = at;
    scope
      .run(() => sleep(Math.max(1, at - Date.now())))
      .then(() => {
        if (this.scope !== scope) return;
        this.rang = true;
        this.armedFor = undefined;
        this.scope = undefined;
      })
      .catch((e) => {
        if (!isCancellation(e)) throw e;
      });
  }

  clear(): void {
    this.scope?.cancel();
    this.scope = undefined;
    this.armedFor = undefined;
  }
}
