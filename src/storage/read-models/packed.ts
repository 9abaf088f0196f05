// How a read-model document holds its entries. Logically every document is one or more maps (`e`
// entries, `o` outcomes, `d` directory days) of key → string value.
//
// MongoDB: each map is a sub-document, written field by field ($set e.<key> / $unset e.<key>): atomic
// on the server, so any number of writers.
//
// FerretDB v1: a document's cost (read or update) grows with the number of its JSON elements, not its
// bytes: 186 documents of 275 fields each read in ~500-700 ms, the same entries packed into one string
// per document in ~100-200 ms (measured on this machine, .tools FerretDB, loaded). There each map is a
// single string (`es`, `os`, `ds`: `key=value` lines), which only its writer changes: the writer is
// one process per role and batch (committer, SerialBatches), keeps the maps of the documents it writes
// in memory (read once), and writes each changed document's strings whole.
import type { Collection } from 'mongodb';
import type { ReadModelDoc } from '../types';
import { LruMap } from './serial-batches';
import type { RmOps } from './state';

export const MAP_FIELDS = ['e', 'o', 'd'] as const;
export type MapField = (typeof MAP_FIELDS)[number];
const packedField = (f: MapField) => `${f}s` as const;

export function packMap(m: ReadonlyMap<string, string>): string {
  let s = '';
  for (const [k, v] of m) s += s ? `\n${k}=${v}` : `${k}=${v}`;
  return s;
}

export function unpackMap(s: unknown, into: Map<string, string> = new Map()): Map<string, string> {
  if (typeof s !== 'string' || s === '') return into;
  for (const line of s.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) into.set(line.slice(0, i), line.slice(i + 1));
  }
  return into;
}

/** One map of a stored document, whichever way it was written. */
export function entriesOf(doc: ReadModelDoc | null | undefined, field: MapField): Map<string, string> {
  const out = new Map<string, string>();
  const sub = doc?.[field];
  if (sub && typeof sub === 'object') for (const [k, v] of Object.entries(sub as Record<string, unknown>)) out.set(k, String(v));
  return unpackMap(doc?.[packedField(field)], out);
}

/** A whole document's maps, as stored: packed strings on FerretDB, sub-documents on MongoDB. */
export function docFields(maps: Partial<Record<MapField, Map<string, string>>>, packed: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of MAP_FIELDS) {
    const m = maps[f];
    if (!m) continue;
    out[packed ? packedField(f) : f] = packed ? packMap(m) : Object.fromEntries(m);
  }
  return out;
}

type Maps = Partial<Record<MapField, Map<string, string>>>;

/** `e.key` → [e, key]. */
function split(path: string): [MapField, string] {
  const i = path.indexOf('.');
  return [path.slice(0, i) as MapField, path.slice(i + 1)];
}

/**
 * FerretDB: the packed documents this process writes, kept in memory. `plan` turns entry changes into
 * whole-string writes; `commit` keeps the result once written; `forget` drops what a failed write
 * may or may not have changed (read again next time).
 */
export class PackedDocs {
  private readonly docs: LruMap<string, Maps>;

  constructor(
    private readonly coll: Collection<ReadModelDoc>,
    maxDocs = 2_000,
  ) {
    this.docs = new LruMap(maxDocs);
  }

  async plan(ops: RmOps): Promise<{ writes: Array<{ updateOne: { filter: { _id: string }; update: { $set: Record<string, string> }; upsert: true } }>; next: Map<string, Maps> }> {
    const ids = [...new Set([...ops.sets.keys(), ...ops.unsets.keys()])];
    const missing = ids.filter((id) => !this.docs.get(id));
    const loaded = await Promise.all(missing.map((id) => this.coll.findOne({ _id: id })));
    missing.forEach((id, i) => this.docs.set(id, Object.fromEntries(MAP_FIELDS.map((f) => [f, entriesOf(loaded[i], f)]))));
    const next = new Map<string, Maps>();
    const writes: Array<{ updateOne: { filter: { _id: string }; update: { $set: Record<string, string> }; upsert: true } }> = [];
    for (const id of ids) {
      const cur = this.docs.get(id)!;
      const maps: Maps = {};
      const touched = new Set<MapField>();
      const edit = (f: MapField) => {
        if (!maps[f]) maps[f] = new Map(cur[f] ?? []);
        touched.add(f);
        return maps[f];
      };
      for (const [path, v] of Object.entries(ops.sets.get(id) ?? {})) {
        const [f, k] = split(path);
        if (cur[f]?.get(k) !== String(v)) edit(f).set(k, String(v));
      }
      for (const path of Object.keys(ops.unsets.get(id) ?? {})) {
        const [f, k] = split(path);
        if (cur[f]?.has(k)) edit(f).delete(k);
      }
      if (touched.size === 0) continue;
      const set: Record<string, string> = {};
      for (const f of touched) set[packedField(f)] = packMap(maps[f]!);
      writes.push({ updateOne: { filter: { _id: id }, update: { $set: set }, upsert: true } });
      next.set(id, { ...cur, ...maps });
    }
    return { writes, next };
  }

  commit(next: Map<string, Maps>): void {
    for (const [id, maps] of next) this.docs.set(id, maps);
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.docs.delete(id);
  }
}
