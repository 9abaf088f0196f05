// Calendar periods in the store's time zone. Ops think in local days ("yesterday's NDRs"), and a UTC day
// would split an Indian evening across two rows, so every boundary is a local midnight turned into an
// instant (src/lib/calendar-dates.ts).
import { addDays, localMidnight } from '../lib/calendar-dates';

export type BucketSize = 'day' | 'week';

/** A half-open interval [startsAt, endsAt) labelled by its first and last local calendar day. */
export interface Bucket {
  from: string; // YYYY-MM-DD, first local day
  to: string; // YYYY-MM-DD, last local day (inclusive)
  startsAt: number; // ms
  endsAt: number; // ms, exclusive
}

/** 0 = Monday … 6 = Sunday (ISO weeks start on Monday). */
function isoWeekday(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/**
 * The buckets covering local days `from`..`to` (both inclusive). Weeks are ISO weeks (Monday to Sunday),
 * clipped to the range, so the first and last week may be shorter than seven days.
 */
export function buckets(from: string, to: string, size: BucketSize, timeZone: string): Bucket[] {
  const out: Bucket[] = [];
  let day = from;
  while (day <= to) {
    const daysLeftInWeek = size === 'week' ? 6 - isoWeekday(day) : 0;
    const last = addDays(day, daysLeftInWeek) < to ? addDays(day, daysLeftInWeek) : to;
    const next = addDays(last, 1);
    out.push({ from: day, to: last, startsAt: localMidnight(day, timeZone), endsAt: localMidnight(next, timeZone) });
    day = next;
  }
  return out;
}

/** Index of the bucket holding instant t, or -1 outside them all (buckets are sorted and contiguous). */
export function bucketIndex(list: readonly Bucket[], t: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = list[mid]!;
    if (t < b.startsAt) hi = mid - 1;
    else if (t >= b.endsAt) lo = mid + 1;
    else return mid;
  }
  return -1;
}
