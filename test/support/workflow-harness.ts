// Runs shipment workflows against a test environment with the production activities over fakes.
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { SHIPMENT_TASK_QUEUE, shipmentWorkflowId, type ShipmentInput } from '../../src/workflows/shipment/contract';
import type { FakeWorld } from './workflow-fakes';
import { quietLogger, workflowBundle } from './workflow-env';
import type { ActivityDeps } from '../../src/activities';

let queueSeq = 0;

// Activity failures are part of several scenarios; keep the test output to errors.
let runtimeReady = false;
function quietRuntime(): void {
  if (runtimeReady) return;
  runtimeReady = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed by another helper in this process.
  }
}

export interface Harness {
  taskQueue: string;
  /** Runs fn while a worker serves this harness's task queue. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  start(input: ShipmentInput): Promise<WorkflowHandleWithFirstExecutionRunId>;
}

export async function harness(env: TestWorkflowEnvironment, world: FakeWorld & { deps: ActivityDeps }): Promise<Harness> {
  quietRuntime();
  const taskQueue = `${SHIPMENT_TASK_QUEUE}-t${process.pid}-${++queueSeq}`;
  const bundle = await workflowBundle();
  return {
    taskQueue,
    async run(fn) {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        workflowBundle: bundle,
        activities: createActivities(world.deps),
      });
      return worker.runUntil(fn);
    },
    async start(input) {
      return env.client.workflow.start('shipmentWorkflow', { taskQueue, workflowId: shipmentWorkflowId(input.orderId), args: [input] });
    },
  };
}

export { quietLogger };
