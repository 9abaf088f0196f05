// Percentiles are nearest-rank (an observed value); CSV follows RFC 4180.
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/analytics/csv';
import { PeriodAccumulator } from '../../src/analytics/metrics';
import { nearestRank, ratio } from '../../src/analytics/percentile';

describe('nearest-rank percentiles', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('picks the smallest value with at least p % at or below it', () => {
    expect(nearestRank(ten, 50)).toBe(5);
    expect(nearestRank(ten, 95)).toBe(10);
    expect(nearestRank(ten, 90)).toBe(9);
    expect(nearestRank([7], 50)).toBe(7);
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 51)).toBe(3);
  });

  it('has no percentile of nothing and no rate over zero', () => {
    expect(nearestRank([], 50)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(1, 3)).toBe(0.3333);
  });

  it('rejects a percentile outside (0, 100]', () => {
    expect(() => nearestRank(ten, 0)).toThrow(RangeError);
    expect(() => nearestRank(ten, 101)).toThrow(RangeError);
  });

  it('bins delivery times with exclusive upper bounds', () => {
    const a = new PeriodAccumulator();
    for (const h of [23.9, 24, 47.9, 48, 119.9, 167.9, 168, 500]) a.addOutcome({ courier: 'icarry', outcome: 'delivered', at: 0, hadNdr: false, deliveryHours: h });
    expect(a.result().deliveryTime.histogram).toEqual({ lt_1d: 1, '1_2d': 2, '2_3d': 1, '3_5d': 1, '5_7d': 1, '7d_plus': 2 });
  });
});

describe('RFC 4180 CSV', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvField(0.25)).toBe('0.25');
  });

  it('ends every record, the header included, with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y'], [null, 'z']])).toBe('a,b\r\n1,"x,y"\r\n,z\r\n');
  });
});
