// Reading and writing golden history files.
//
// Why not historyToJSON/historyFromJSON from @temporalio/common: in this install @temporalio/common and
// @temporalio/proto each carry their own protobufjs 8 copy (the root one is grpc's protobufjs 7), and
// protobufjs' JSON conversion checks `instanceof Type` across copies, so both helpers throw
// "type must be a Type". These files therefore hold protobufjs' plain-object form of the History
// (int64 and bytes as strings, enums by name), converted with @temporalio/proto alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const HistoryType = temporal.api.history.v1.History;

export function writeHistoryFile(path: string, history: History): void {
  const plain = HistoryType.toObject(HistoryType.fromObject(history), { longs: String, enums: String, bytes: String });
  writeFileSync(path, JSON.stringify(plain, null, 1) + '\n');
}

/** A History whose int64 fields are Longs again, as Worker.runReplayHistory expects. */
export function readHistoryFile(path: string): temporal.api.history.v1.History {
  return HistoryType.fromObject(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
}
