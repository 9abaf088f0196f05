// Units and formats shared by the courier mappers. Pure functions.

/** The store's fallback when a product has no parsable weight (as its iCarry integration does today). */
export const DEFAULT_ITEM_WEIGHT_GRAMS = 500;

const WEIGHT_RE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(kgs?|kilo(?:gram)?s?|g|gms?|grams?|gm)?\s*$/i;

/**
 * "500g", "1kg", "1.2 kg", "750 gm", "2 KGS", "0.5" (bare numbers are kg, as product catalogs write
 * them) → whole grams. Returns undefined for anything else (empty, negative, "abc", "1 lb").
 */
export function parseWeightGrams(text: string | number | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? Math.round(text * 1000) : undefined;
  const m = WEIGHT_RE.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  if (!Number.isFinite(value) || value <= 0) return undefined;
  const unit = (m[2] ?? 'kg').toLowerCase();
  const grams = unit.startsWith('k') ? value * 1000 : value;
  const rounded = Math.round(grams);
  return rounded > 0 ? rounded : undefined;
}

export function gramsToKg(grams: number): number {
  return Math.round(grams) / 1000;
}

/** Sum of item weights × quantity; items without a parsable weight count the default. */
export function totalWeightGrams(
  items: ReadonlyArray<{ weight?: string | number | null; quantity: number }>,
  defaultItemGrams: number = DEFAULT_ITEM_WEIGHT_GRAMS,
): { grams: number; defaulted: number } {
  let grams = 0;
  let defaulted = 0;
  for (const item of items) {
    const w = parseWeightGrams(item.weight);
    if (w === undefined) defaulted += item.quantity;
    grams += (w ?? defaultItemGrams) * item.quantity;
  }
  return { grams, defaulted };
}

// ---------------------------------------------------------------------------------------------------
// Timestamps. Indian couriers send local time (IST, UTC+05:30) without an offset, in several formats.

const IST_OFFSET_MIN = 330;

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

function fromIstParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): string | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms) - IST_OFFSET_MIN * 60_000;
  const date = new Date(utc);
  // Reject 31/02 and friends: Date.UTC rolls them over silently.
  const back = new Date(utc + IST_OFFSET_MIN * 60_000);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function fraction(f: string | undefined): number {
  if (!f) return 0;
  return Number(f.slice(0, 3).padEnd(3, '0'));
}

/**
 * Any courier timestamp → ISO-8601 UTC (millisecond precision), or undefined when unparsable.
 * Accepted (no offset = IST):
 *  - 2022-07-19 11:37:00 · 2022-07-19 11:37 · 2024-05-02T16:05:28.373 · 2019-08-16T16:02:52.002000
 *  - any of the above with Z or ±hh:mm (kept as given)
 *  - 23 05 2023 11:43:52 (Shiprocket webhook current_timestamp)
 *  - 23/01/2025 (iCarry NDR date_added; midnight IST) and 23/01/2025 14:05[:09]
 *  - 12 Mar 2021, 04:16 PM (Shiprocket NDR created_at) · Jul 01, 2024 (Shiprocket etd)
 */
export function parseCourierTime(input: string | null | undefined): string | undefined {
  if (!input) return undefined;
  const text = input.trim();
  let m: RegExpExecArray | null;

  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, f, tz] = m;
    if (tz) {
      const iso = `${y}-${mo}-${d}T${h ?? '00'}:${mi ?? '00'}:${s ?? '00'}.${String(fraction(f)).padStart(3, '0')}${tz.length === 5 ? `${tz.slice(0, 3)}:${tz.slice(3)}` : tz}`;
      const t = new Date(iso);
      return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
    }
    return fromIstParts(+y!, +mo!, +d!, +(h ?? 0), +(mi ?? 0), +(s ?? 0), fraction(f));
  }

  m = /^(\d{2}) (\d{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (m) return fromIstParts(+m[3]!, +m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);

  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (m) return fromIstParts(+m[3]!, +m[2]!, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));

  m = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AaPp][Mm])$/.exec(text);
  if (m) {
    const mo = MONTHS[m[2]!.toLowerCase()];
    if (!mo) return undefined;
    let h = +m[4]!;
    if (h < 1 || h > 12) return undefined;
    const pm = m[7]!.toLowerCase() === 'pm';
    h = (h % 12) + (pm ? 12 : 0);
    return fromIstParts(+m[3]!, mo, +m[1]!, h, +m[5]!, +(m[6] ?? 0));
  }

  m = /^([A-Za-z]{3})[a-z]* (\d{1,2}),? (\d{4})$/.exec(text);
  if (m) {
    const mo = MONTHS[m[1]!.toLowerCase()];
    return mo ? fromIstParts(+m[3]!, mo, +m[2]!) : undefined;
  }
  return undefined;
}

/** UTC epoch ms → IST wall-clock parts, for request bodies that want local dates ("2024-06-27 11:11"). */
export function toIst(epochMs: number): { date: string; time: string } {
  const d = new Date(epochMs + IST_OFFSET_MIN * 60_000).toISOString();
  return { date: d.slice(0, 10), time: d.slice(11, 16) };
}

/** The second-precision key part used in dedupe keys, so webhook and poll copies of a scan agree. */
export function keyTime(iso: string): string {
  return iso.slice(0, 19);
}

/** AWBs are strings everywhere, even where a courier sends numbers (iCarry). */
export function awbString(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}
