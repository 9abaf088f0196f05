// Dates on the page: rendered on the server in the store's time zone (right for most customers, and
// for everyone without JavaScript); the page's script re-renders `data-local` times in the browser's zone.
const LOCALE = 'en-IN';

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'dateTime' | 'date' | 'iso', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let f = cache.get(key);
  if (!f) {
    f =
      kind === 'dateTime'
        ? new Intl.DateTimeFormat(LOCALE, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' })
        : kind === 'date'
          ? new Intl.DateTimeFormat(LOCALE, { weekday: 'short', day: 'numeric', month: 'short', timeZone })
          : new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone });
    cache.set(key, f);
  }
  return f;
}

/** "Tue, 3 Mar, 2:15 pm IST". The browser script uses the same options without the zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : formatter('dateTime', timeZone).format(d);
}

/** "Fri, 6 Mar": delivery days are days where the parcel is, so they stay in the store's zone. */
export function formatDate(iso: string, timeZone: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : formatter('date', timeZone).format(d);
}

/** The calendar date (YYYY-MM-DD) at that instant in that zone. */
export function calendarDate(ms: number, timeZone: string): string {
  return formatter('iso', timeZone).format(new Date(ms));
}

/** YYYY-MM-DD plus n days (pure calendar arithmetic, no zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** "Wed, 4 Mar" for a calendar date. */
export function formatCalendarDate(date: string): string {
  return formatter('date', 'UTC').format(new Date(`${date}T00:00:00Z`));
}
