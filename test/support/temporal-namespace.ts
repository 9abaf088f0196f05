// A Temporal namespace of its own for a test file, with Waybill's search attributes registered, so files
// sharing the run's dev server never pick up each other's workflows on the fixed `shipments` queue.
import { inject } from 'vitest';
import { isolatedNamespace as namespaceOn } from './full-stack';
import { needsServer } from './tier';

/** The run's dev server (from global setup), a namespace of this file's own. */
export function isolatedNamespace(label: string): Promise<string> {
  needsServer('isolatedNamespace (Temporal dev server)');
  return namespaceOn(inject('temporalAddress'), label);
}
