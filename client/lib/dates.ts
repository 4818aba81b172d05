/**
 * Calendar days (`YYYY-MM-DD`) for people: formatted in the reader's locale, compared with the reader's
 * today. A day is a day everywhere, so it is formatted in UTC (midnight UTC of that day) and never shifts
 * by a time zone.
 */

/** The reader's local calendar day, `YYYY-MM-DD`. */
export function todayIso(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** "Fri, Dec 4" — with the year when it is not `thisYear` (the reader's current year by default). */
export function formatDay(iso: string, thisYear: number = new Date().getFullYear()): string {
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: d.getUTCFullYear() === thisYear ? undefined : 'numeric',
    timeZone: 'UTC',
  }).format(d);
}
