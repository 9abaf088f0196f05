// The ceiling benchmark's workflow: nothing but a counter that each signal bumps, so what it measures
// is Temporal's own cost of accepting a signal and applying it in a workflow task.
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';

export const bump = defineSignal('bump');
export const applied = defineQuery<number>('applied');

export async function signalCounter(): Promise<void> {
  let n = 0;
  setHandler(bump, () => {
    n++;
  });
  setHandler(applied, () => n);
  await condition(() => false);
}
