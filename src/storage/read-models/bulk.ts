// Bulk writes cut into commands of a few statements each. FerretDB v1.24 keeps the SQLite connection of
// every statement of an update command that matched a document until the whole command ends
// (handler/msg_update.go closes them with a defer inside the statement loop), from a pool of 100 per
// database: one update command of 100 statements on existing documents never returns, and a few
// concurrent commands of 40 can lock each other the same way. Measured: 99 statements answer in
// 0.16 s, 100 hang. MongoDB has no such limit.
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';

/**
 * Statements per command: a few such commands at once stay far below FerretDB's 100 connections. The
 * same on MongoDB (one projection write is rarely more than this; the backfill pays a few more commands).
 */
export const STATEMENTS_PER_COMMAND = 16;

export async function bulkWriteChunked<T extends Document>(coll: Collection<T>, ops: AnyBulkWriteOperation<T>[], o: { ordered: boolean }): Promise<void> {
  for (let i = 0; i < ops.length; i += STATEMENTS_PER_COMMAND) await coll.bulkWrite(ops.slice(i, i + STATEMENTS_PER_COMMAND), { ordered: o.ordered });
}
