// Shiprocket speaks IST wall-clock time in several formats, none with an offset (couriers.md §1).
const IST_OFFSET_MS = 330 * 60_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface IstParts {
  y: string;
  mo: string;
  d: string;
  h: string;
  mi: string;
  s: string;
  month: number;
  hour: number;
  weekday: number; // 0 = Sunday
}

function ist(ms: number): IstParts {
  const t = new Date(ms + IST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    y: String(t.getUTCFullYear()),
    mo: p(t.getUTCMonth() + 1),
    d: p(t.getUTCDate()),
    h: p(t.getUTCHours()),
    mi: p(t.getUTCMinutes()),
    s: p(t.getUTCSeconds()),
    month: t.getUTCMonth(),
    hour: t.getUTCHours(),
    weekday: t.getUTCDay(),
  };
}

/** "2022-07-19 11:37:00": scans, pickup dates, etd. */
export function istDateTime(ms: number): string {
  const t = ist(ms);
  return `${t.y}-${t.mo}-${t.d} ${t.h}:${t.mi}:${t.s}`;
}

/** "2022-07-19": NDR deferred dates. */
export function istDate(ms: number): string {
  return istDateTime(ms).slice(0, 10);
}

/** "23 05 2023 11:43:52": the webhook's current_timestamp, and nothing else. */
export function istWebhookTimestamp(ms: number): string {
  const t = ist(ms);
  return `${t.d} ${t.mo} ${t.y} ${t.h}:${t.mi}:${t.s}`;
}

/** "12 Mar 2021, 04:16 PM": created_at in order and NDR lists. */
export function istListTime(ms: number): string {
  const t = ist(ms);
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  return `${t.d} ${MONTHS[t.month]} ${t.y}, ${String(h12).padStart(2, '0')}:${t.mi} ${t.hour < 12 ? 'AM' : 'PM'}`;
}

/** {"date": "2022-11-25 11:17:52.878599", "timezone_type": 3, "timezone": "Asia/Kolkata"}: PHP DateTime as JSON. */
export function phpDateTime(ms: number): { date: string; timezone_type: 3; timezone: 'Asia/Kolkata' } {
  return { date: `${istDateTime(ms)}.${String(ms % 1000).padStart(3, '0')}000`, timezone_type: 3, timezone: 'Asia/Kolkata' };
}

/** IST midnight of the day containing `ms`, as epoch ms. */
function istMidnight(ms: number): number {
  return Math.floor((ms + IST_OFFSET_MS) / 86_400_000) * 86_400_000 - IST_OFFSET_MS;
}

/**
 * When a pickup generated at `ms` is scheduled: 14:00 IST the same day if generated before the 11:00
 * cut-off, else the next day; a Sunday moves it to Monday (§1.5).
 */
export function nextPickupSlot(ms: number): number {
  const day = istMidnight(ms);
  let slot = ist(ms).hour < 11 ? day + 14 * 3_600_000 : day + 38 * 3_600_000;
  if (ist(slot).weekday === 0) slot += 86_400_000;
  return slot;
}
