// One page of a list from read-model candidates: entries of an active set (all in memory) merged with
// day buckets read newest day first, each candidate checked against its document in sort order. An
// entry may be stale (a removal lost, a document changed since): the check drops it, and because every
// item always has an entry with its current sort key, the page is exactly what the plain query returns.
import { dayOf } from './keys';

export interface Candidate {
  id: string;
  /** The sort key as the entry has it ('' when the document has none: sorts first, as null does). */
  key: string;
  /** Which writer's entry (two entries for one item are both checked, so each can be repaired). */
  role?: string;
}

export interface PageSource<D, C extends Candidate> {
  /** Candidates from the active set, already narrowed by what the entries hold. */
  active: C[];
  /** Day buckets, for descending lists: the days with entries (newest first) and how to read one. */
  archive?: { days: string[]; load: (days: string[]) => Promise<C[]> };
  order: 'asc' | 'desc';
  /** Only items after this (key, id) in list order. */
  after?: { key: string; id: string };
  /** Items wanted: the page and one more to know whether there is a next page. */
  want: number;
  fetch: (ids: string[]) => Promise<Map<string, D>>;
  /** The document still belongs on this list at this candidate's position (filters, sort key, cursor). */
  verify: (doc: D, c: C) => boolean;
  /** A candidate whose document does not match (for repairs). */
  onStale?: (c: C, doc: D | undefined) => void;
}

/** Day buckets read at once when the next candidates may lie in them; doubled at each read (sparse lists). */
const FIRST_DAYS_PER_READ = 4;
const MAX_DAYS_PER_READ = 64;

export async function paginate<D, C extends Candidate>(s: PageSource<D, C>): Promise<D[]> {
  const sign = s.order === 'desc' ? -1 : 1;
  const cmp = (a: Candidate, b: Candidate) => (a.key < b.key ? -sign : a.key > b.key ? sign : a.id < b.id ? -sign : a.id > b.id ? sign : 0);
  const afterCursor = (c: Candidate) => !s.after || cmp(c, s.after) > 0;
  const seen = new Set<string>();
  let pool: C[] = [];
  const add = (cs: C[]) => {
    for (const c of cs) {
      const k = `${c.id}\u0000${c.key}\u0000${c.role ?? ''}`;
      if (seen.has(k) || !afterCursor(c)) continue;
      seen.add(k);
      pool.push(c);
    }
  };
  add(s.active);
  let days = s.archive?.days ?? [];
  if (s.after && s.order === 'desc') {
    const last = dayOf(s.after.key);
    days = days.filter((d) => d <= last);
  }
  let di = 0;
  let perRead = FIRST_DAYS_PER_READ;
  // Every archive candidate not read yet lies in days[di] or later (older): a candidate of a newer day is final.
  const settled = (c: Candidate) => di >= days.length || dayOf(c.key) > days[di]!;
  const out: D[] = [];
  const shown = new Set<string>();
  while (out.length < s.want) {
    pool.sort(cmp);
    const need = s.want - out.length;
    const ready: C[] = [];
    for (const c of pool) {
      if (!settled(c)) break;
      ready.push(c);
      if (ready.length >= need + 2) break;
    }
    if (ready.length === 0) {
      if (di >= days.length) break;
      const next = days.slice(di, di + perRead);
      di += next.length;
      perRead = Math.min(MAX_DAYS_PER_READ, perRead * 2);
      add(await s.archive!.load(next));
      continue;
    }
    pool = pool.slice(ready.length);
    const docs = await s.fetch(ready.map((c) => c.id));
    for (const c of ready) {
      const doc = docs.get(c.id);
      if (doc && !shown.has(c.id) && s.verify(doc, c)) {
        shown.add(c.id);
        out.push(doc);
        if (out.length >= s.want) break;
      } else {
        s.onStale?.(c, doc);
      }
    }
  }
  return out;
}
