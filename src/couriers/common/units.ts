// Units and formats shared by the courier mappers. Pure functions.

/** The store's fallback when a product has no parsable weight (as its iCarry integration does today). */
export const DEFAULT_ITEM_WEIGHT_GRAMS = 500;

const WEIGHT_RE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(kgs?|kilo(?:gram)?s?|g|gms?|grams?|gm|ml|l|ltrs?|lit(?:re|er)s?)?\s*$/i;

/** Units counted in thousands of grams. Volumes use water's density, as the store's iCarry code did for "ml". */
const THOUSANDS = /^(k|l)/i;

/**
 * "500g", "1kg", "1.2 kg", "750 gm", "2 KGS", "0.5" (bare numbers are kg, as product catalogs write
 * them) → whole grams. "500ml" / "1 l" count as grams of water: the store's food catalog writes liquids
 * that way and its iCarry integration weighed them so. Returns undefined for anything else (empty,
 * negative, "abc", "1 lb") and for weights that round to 0 g.
 */
export function parseWeightGrams(text: string | number | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  if (typeof text === 'number') return positiveGrams(text * 1000);
  const m = WEIGHT_RE.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = m[2] ?? 'kg';
  return positiveGrams(THOUSANDS.test(unit) ? value * 1000 : value);
}

function positiveGrams(grams: number): number | undefined {
  if (!Number.isFinite(grams)) return undefined;
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
    // A NaN or negative quantity would poison the parcel weight sent to the courier; it ships nothing.
    if (!Number.isFinite(item.quantity) || item.quantity <= 0) continue;
    const w = parseWeightGrams(item.weight);
    if (w === undefined) defaulted += item.quantity;
    grams += (w ?? defaultItemGrams) * item.quantity;
  }
  return { grams: Math.round(grams), defaulted };
}

// ---------------------------------------------------------------------------------------------------
// Timestamps. Indian couriers send local time (IST, UTC+05:30) without an offset, in several formats.

const IST_OFFSET_MIN = 330;

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/**
 * Wall-clock parts at a UTC offset → ISO-8601 UTC, or undefined when any part is out of range. Date.UTC
 * silently rolls 31/02 over to March and 24:00 to the next day, so the parts are checked first.
 */
function fromParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0, offsetMin = IST_OFFSET_MIN): string | undefined {
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000).toISOString();
}

function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** "Z", "+05:30", "+0530", "-04:00" → minutes east of UTC; undefined beyond the ±14:00 real offsets. */
function offsetMinutes(tz: string): number | undefined {
  if (tz.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tz);
  if (!m) return undefined;
  const minutes = +m[2]! * 60 + +m[3]!;
  if (+m[3]! > 59 || minutes > 14 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

/** Fractional seconds of any length → whole milliseconds (truncated: keys are to the second anyway). */
function fraction(f: string | undefined): number {
  if (!f) return 0;
  return Number(f.slice(0, 3).padEnd(3, '0'));
}

/** "Mar", "March", "Sept" → 3; anything else (including "Marchx") → undefined. */
function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  const mo = MONTHS[lower.slice(0, 3)];
  if (!mo) return undefined;
  return lower.length === 3 || lower === 'sept' || MONTH_NAMES[mo - 1] === lower ? mo : undefined;
}

const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
];

/**
 * Any courier timestamp → ISO-8601 UTC (millisecond precision), or undefined when unparsable or not a
 * real calendar instant (31/02, 24:00, 23:59:60).
 * Accepted (no offset = IST):
 *  - 2022-07-19 11:37:00 · 2022-07-19 11:37 · 2024-05-02T16:05:28.373 · 2019-08-16T16:02:52.002000
 *  - any of the above with Z or ±hh:mm / ±hhmm (kept as given)
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
    const offset = tz ? offsetMinutes(tz) : IST_OFFSET_MIN;
    if (offset === undefined) return undefined;
    return fromParts(+y!, +mo!, +d!, +(h ?? 0), +(mi ?? 0), +(s ?? 0), fraction(f), offset);
  }

  m = /^(\d{2}) (\d{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (m) return fromParts(+m[3]!, +m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);

  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (m) return fromParts(+m[3]!, +m[2]!, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));

  m = /^(\d{1,2}) ([A-Za-z]{3,9}) (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AaPp][Mm])$/.exec(text);
  if (m) {
    const mo = monthNumber(m[2]!);
    let h = +m[4]!;
    if (!mo || h < 1 || h > 12) return undefined;
    h = (h % 12) + (m[7]!.toLowerCase() === 'pm' ? 12 : 0);
    return fromParts(+m[3]!, mo, +m[1]!, h, +m[5]!, +(m[6] ?? 0));
  }

  m = /^([A-Za-z]{3,9}) (\d{1,2}),? (\d{4})$/.exec(text);
  if (m) {
    const mo = monthNumber(m[1]!);
    return mo ? fromParts(+m[3]!, mo, +m[2]!) : undefined;
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
