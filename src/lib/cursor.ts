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
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}

/** The (sort key, _id) pair a cursor carries; throws InvalidCursorError for anything else. */
export function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new InvalidCursorError();
}
