// A deliberately incompatible edit of the shipment workflow (a timer before anything else), bundled
// only by the replay test to prove that replaying the golden histories does catch such a change.
import { sleep } from '@temporalio/workflow';
import { shipmentWorkflow as current } from '../../src/workflows/shipment/workflow';
import type { ShipmentInput, ShipmentResult } from '../../src/workflows/shipment/contract';

export async function shipmentWorkflow(input: ShipmentInput): Promise<ShipmentResult> {
  await sleep('1 minute');
  return current(input);
}
