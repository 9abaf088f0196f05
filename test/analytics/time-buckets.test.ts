// Periods are local calendar days/weeks in the store's time zone, DST included.
import { describe, expect, it } from 'vitest';
import { bucketIndex, buckets } from '../../src/analytics/time-buckets';
import { isCalendarDate, localDate, localMidnight } from '../../src/lib/calendar-dates';

const iso = (t: number) => new Date(t).toISOString();

describe('local calendar periods', () => {
  it('starts an Indian day at 18:30 UTC the evening before', () => {
    expect(iso(localMidnight('2025-03-04', 'Asia/Kolkata'))).toBe('2025-03-03T18:30:00.000Z');
    expect(localDate(Date.parse('2025-03-03T18:29:59Z'), 'Asia/Kolkata')).toBe('2025-03-03');
    expect(localDate(Date.parse('2025-03-03T18:30:00Z'), 'Asia/Kolkata')).toBe('2025-03-04');
  });

  it('gives a 23-hour day when the clocks go forward', () => {
    const [d] = buckets('2025-03-30', '2025-03-30', 'day', 'Europe/London');
    expect(iso(d!.startsAt)).toBe('2025-03-30T00:00:00.000Z');
    expect(iso(d!.endsAt)).toBe('2025-03-30T23:00:00.000Z');
  });

  it('splits a range into ISO weeks (Monday to Sunday), clipped at both ends', () => {
    const weeks = buckets('2025-03-05', '2025-03-18', 'week', 'UTC').map((b) => [b.from, b.to]);
    expect(weeks).toEqual([
      ['2025-03-05', '2025-03-09'],
      ['2025-03-10', '2025-03-16'],
      ['2025-03-17', '2025-03-18'],
    ]);
  });

  it('makes contiguous days and finds the one an instant falls in', () => {
    const days = buckets('2025-03-01', '2025-03-03', 'day', 'Asia/Kolkata');
    expect(days.map((d) => d.from)).toEqual(['2025-03-01', '2025-03-02', '2025-03-03']);
    for (let i = 1; i < days.length; i++) expect(days[i]!.startsAt).toBe(days[i - 1]!.endsAt);
    expect(bucketIndex(days, Date.parse('2025-03-02T18:29:00Z'))).toBe(1);
    expect(bucketIndex(days, Date.parse('2025-03-02T18:30:00Z'))).toBe(2);
    expect(bucketIndex(days, days[0]!.startsAt - 1)).toBe(-1);
    expect(bucketIndex(days, days[2]!.endsAt)).toBe(-1);
  });

  it('accepts real calendar dates only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-3-1')).toBe(false);
  });
});
