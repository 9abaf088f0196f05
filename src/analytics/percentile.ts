// Percentiles in code: FerretDB v1 has no $percentile/$median accumulator (and MongoDB only gained one
// in 7.0), so the values are read and ranked here.

/**
 * Nearest-rank percentile of ascending `sorted`: the smallest value with at least p % of the values at
 * or below it, i.e. sorted[ceil(p/100 · n) − 1]. Always an observed value (no interpolation), so "p95 =
 * 40 s" means a real event took 40 s. Null for no values.
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}

export function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** a / b, or null when b is 0 (an empty period has no rate, not a rate of 0). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : round(a / b, 4);
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
