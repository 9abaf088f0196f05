// Dates on the page: rendered on the server in the store's time zone (right for most customers, and
// for everyone without JavaScript); the page's script re-renders `data-local` times in the browser's zone.
const LOCALE = 'en-IN';

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'dateTime' | 'date', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`;
  let f = cache.get(key);
  if (!f) {
    f =
      kind === 'dateTime'
        ? new Intl.DateTimeFormat(LOCALE, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' })
        : new Intl.DateTimeFormat(LOCALE, { weekday: 'short', day: 'numeric', month: 'short', timeZone });
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

/** "Wed, 4 Mar" for a calendar date. */
export function formatCalendarDate(date: string): string {
  return formatter('date', 'UTC').format(new Date(`${date}T00:00:00Z`));
}
