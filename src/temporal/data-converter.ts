// The one data converter every Temporal client and worker of Waybill uses: payloads encrypted by the
// codec, failure messages and stack traces encrypted too (see failure-converter.ts). A client without it
// cannot read what a worker with it wrote, so the API, the worker, the typed client module and tests all
// build it here, from the same key ring.
import { join } from 'node:path';
import { defaultPayloadConverter, type DataConverter, type LoadedDataConverter } from '@temporalio/common';
import type { CodecKeys } from './codec-keys';
import { EncryptionCodec } from './encryption-codec';
import { failureConverter } from './failure-converter';

/**
 * The SDK loads the worker's failure converter by path, because workflow code needs it inside the
 * sandbox. No extension: Node resolves the compiled .js in dist/, tsx and the workflow bundler the .ts
 * source. Pass it to bundleWorkflowCode too when prebuilding a workflow bundle.
 */
export const FAILURE_CONVERTER_PATH = join(__dirname, 'failure-converter');

/** For Worker.create (and FAILURE_CONVERTER_PATH for bundleWorkflowCode). */
export function createDataConverter(keys: CodecKeys): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * For Client: the same converter, already loaded. The Client takes a loaded converter as is
 * (client/base-client.ts checks isLoadedDataConverter), so nothing is required by path at run time:
 * API code behaves the same under tsx, from dist/ and in vitest, where Node cannot require a .ts file.
 * The type is the SDK's DataConverter because that is what ClientOptions declares.
 */
export function createClientDataConverter(keys: CodecKeys): DataConverter {
  const loaded: LoadedDataConverter = { payloadConverter: defaultPayloadConverter, failureConverter, payloadCodecs: [new EncryptionCodec(keys)] };
  return loaded;
}
