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

/**
 * Deterministic sub-second jitter, shaped so the fractions come out with 0 to 3 digits (".373", ".44",
 * ".5", none) as Delhivery's do.
 */
export function jitterMs(awb: string, seq: number): number {
  let h = 2166136261;
  for (const ch of `${awb}:${seq}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  h >>>= 0;
  const ms = 1 + ((h >>> 2) % 999);
  switch (h % 4) {
    case 0:
      return 0;
    case 1:
      return Math.ceil(ms / 100) * 100 - (ms > 900 ? 100 : 0);
    case 2:
      return Math.ceil(ms / 10) * 10 - (ms > 990 ? 10 : 0);
    default:
      return ms;
  }
}
