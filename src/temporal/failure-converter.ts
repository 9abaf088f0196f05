// Loaded by path (DataConverter.failureConverterPath), both by the worker's main thread and inside the
// workflow bundle, so it must stay sandbox-safe: @temporalio/common only, no Node built-ins.
//
// With encodeCommonAttributes, a failure's message and stack trace move into an encoded payload that the
// payload codec then encrypts. Courier errors often echo the consignee's address or phone, and without
// this they would sit in history in plaintext (only "Encoded failure" is left visible).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
