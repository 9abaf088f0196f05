// The one page cursor: a list sorted by (sort key, _id) hands out the last item's pair, opaque to the
// caller (base64url of a JSON pair). Every list that pages this way (orders, the NDR queue, the console's
// shipment list) uses it, so a cursor that does not decode fails the same way everywhere.

/** A cursor that is not one this codec wrote (edited, truncated, from another version): the caller's mistake. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('invalid cursor: pass the nextCursor of a previous page unchanged, or leave it out for the first page');
  }
}

export function encodeCursor(sortKey: string, id: string): string {
  return encodeJsonCursor([sortKey, id]);
}

/** The (sort key, _id) pair a cursor carries; throws InvalidCursorError for anything else. */
export function decodeCursor(cursor: string): [string, string] {
  return decodeJsonCursor(cursor, (v): v is [string, string] => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string');
}

/** Any JSON value as an opaque cursor (the event feed's per-log positions use it). */
export function encodeJsonCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The value a cursor carries if `accept` says it is one of the caller's; throws InvalidCursorError otherwise. */
export function decodeJsonCursor<T>(cursor: string, accept: (v: unknown) => v is T): T {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new InvalidCursorError();
  }
  if (!accept(v)) throw new InvalidCursorError();
  return v;
}
