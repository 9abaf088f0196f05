// Delhivery's timestamps: IST wall-clock time, no offset, a variable number of fractional digits
// ("2024-05-02T16:05:28.373", "2024-05-02T19:44:11", "2024-05-03T02:11:07.44").

const IST_OFFSET_MS = 330 * 60_000;

/** Epoch ms → Delhivery's format. Trailing zeros of the fraction are dropped, as Delhivery's do. */
export function istTimestamp(ms: number): string {
  const iso = new Date(ms + IST_OFFSET_MS).toISOString(); // 2026-01-05T10:00:00.370Z
  const base = iso.slice(0, 19);
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return frac ? `${base}.${frac}` : base;
}

/** The IST calendar date of an instant, YYYY-MM-DD. */
export function istDate(ms: number): string {
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** 23:59:59 IST on the given IST date, as Delhivery writes expected delivery dates. */
export function istEndOfDay(date: string): string {
  return `${date}T23:59:59`;
}

/** Deterministic sub-second jitter so fractions vary like real scans do. */
export function jitterMs(awb: string, seq: number): number {
  let h = 2166136261;
  for (const ch of `${awb}:${seq}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) % 1000;
}
