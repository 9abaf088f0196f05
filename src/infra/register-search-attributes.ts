// Registers Waybill's custom search attributes on a Temporal cluster (docker-compose's server, or any
// cluster TEMPORAL_ADDRESS points at). The embedded dev server gets them as launch flags instead.
// Idempotent: attributes that already exist with the same type are left alone.
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_FLAGS } from '../workflows/shipment/contract';
import { waitForTemporal } from './temporal-connection';

const TYPES = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
} as const;

export async function registerSearchAttributes(address: string, namespace: string): Promise<string[]> {
  await waitForTemporal({ address, namespace }, 120_000);
  const conn = await Connection.connect({ address });
  try {
    const existing = await conn.operatorService.listSearchAttributes({ namespace });
    const have = existing.customAttributes ?? {};
    const missing = SEARCH_ATTRIBUTE_FLAGS.filter((sa) => !(sa.name in have));
    const clash = SEARCH_ATTRIBUTE_FLAGS.filter((sa) => sa.name in have && have[sa.name] !== TYPES[sa.type]);
    if (clash.length) throw new Error(`search attributes registered with another type: ${clash.map((c) => c.name).join(', ')}`);
    if (missing.length) {
      await conn.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((sa) => [sa.name, TYPES[sa.type]])),
      });
    }
    return missing.map((m) => m.name);
  } finally {
    await conn.close();
  }
}

if (require.main === module) {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  registerSearchAttributes(address, namespace).then(
    (added) => {
      console.log(added.length ? `registered search attributes: ${added.join(', ')}` : 'search attributes already registered');
    },
    (e: unknown) => {
      console.error(`could not register search attributes on ${address}: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
