// The ceiling benchmark's worker, a process of its own as Waybill's worker is: one Worker with the SDK's
// default options on the task queue it is given, running bench/ceiling/workflow.ts.
//   CEILING_TEMPORAL_ADDRESS=127.0.0.1:7233 CEILING_TASK_QUEUE=ceiling node --import tsx bench/ceiling/worker.ts
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  const address = process.env.CEILING_TEMPORAL_ADDRESS;
  const taskQueue = process.env.CEILING_TASK_QUEUE;
  if (!address || !taskQueue) throw new Error('CEILING_TEMPORAL_ADDRESS and CEILING_TASK_QUEUE are required');
  Runtime.install({ logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => console.error(m) } });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, namespace: process.env.CEILING_NAMESPACE ?? 'default', taskQueue, workflowsPath: require.resolve('./workflow') });
  process.once('SIGTERM', () => worker.shutdown());
  process.once('SIGINT', () => worker.shutdown());
  await worker.run();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`ceiling worker: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
