// Shared plumbing for workflow tests: the local Temporal binaries, a time-skipping environment with
// Waybill's search attributes registered, one workflow bundle per test file, and order inputs.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { CourierId } from '../../src/couriers/types';
import type { ShipmentInput, ShipmentOptions } from '../../src/workflows/shipment/contract';
import { SEARCH_ATTRIBUTE_FLAGS } from '../../src/workflows/shipment/contract';
import { needsServer } from './tier';

export const ROOT = resolve(__dirname, '../..');
export const WORKFLOWS_PATH = resolve(ROOT, 'src/workflows/index.ts');

/** A binary from scripts/install-tools.sh; missing means the run must fail and say how to fix it. */
export function toolPath(name: 'temporal' | 'temporal-test-server' | 'ferretdb'): string {
  needsServer(`the ${name} binary`);
  const p = resolve(ROOT, '.tools/bin', name);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run tools\` to install the local Temporal/FerretDB binaries`);
  return p;
}

// Indexed value types of temporal.api.enums.v1.IndexedValueType.
const INDEXED_VALUE_TYPE = { Keyword: 2, Bool: 5, Datetime: 6 } as const;

/**
 * The Java time-skipping test server knows no custom search attributes until told; it accepts the
 * operator call, so the workflow's upserts are exercised for real there too.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await startTestServer();
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_FLAGS.map((f) => [f.name, INDEXED_VALUE_TYPE[f.type]])),
  });
  return env;
}

/**
 * The SDK gives the Java test server 5 s to listen; a JVM starting on a loaded 2-core machine sometimes
 * needs more (seen: "did not start within 5s"). A second or third start is the cheap remedy.
 */
async function startTestServer(attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let i = 1; ; i++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: toolPath('temporal-test-server') } } });
    } catch (e) {
      if (i >= attempts || !/did not start within/.test(String(e))) throw e;
    }
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

const noop = () => undefined;
export const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

let orderSeq = 0;
export function orderId(prefix = 'ORD'): string {
  return `${prefix}-${process.pid}-${++orderSeq}`;
}

export function shipmentInput(id: string, over: { courier?: CourierId; pincode?: string; email?: string | null; phone?: string | null; options?: Partial<ShipmentOptions> } = {}): ShipmentInput {
  const email = over.email === null ? undefined : (over.email ?? 'asha@example.in');
  const phone = over.phone === null ? '' : (over.phone ?? '9876543210');
  return {
    orderId: id,
    courier: over.courier ?? 'delhivery',
    request: {
      orderId: id,
      orderDate: '2026-03-01T04:00:00.000Z',
      consignee: {
        name: 'Asha Rao',
        phone,
        ...(email ? { email } : {}),
        address1: '12 MG Road',
        city: 'Bengaluru',
        state: 'Karnataka',
        pincode: over.pincode ?? '560001',
        country: 'IN',
      },
      items: [{ name: 'Tea 500g', sku: 'TEA-500', quantity: 1, unitPrice: 450 }],
      paymentMethod: 'prepaid',
      codAmount: 0,
      orderValue: 450,
      parcel: { weightGrams: 500, lengthCm: 10, breadthCm: 10, heightCm: 10 },
    },
    trackingPageUrl: `https://store.example/order-tracking/${id}?t=signed`,
    // Tests close a run as soon as it is final unless they ask for the production linger.
    options: { lingerAfterFinalMinutes: 0, ...over.options },
  };
}
