/**
 * Calendar days (`YYYY-MM-DD`) for people: formatted in the reader's locale, compared with the reader's
 * today. A day is a day everywhere, so it is formatted in UTC (midnight UTC of that day) and never shifts
 * by a time zone. Moments (ms since the epoch) are shown in the reader's time zone. "The reader's locale"
 * is the language chosen in Meshboard (see i18n/locale.svelte.ts), in the browser's own variant of it.
 */
import { locale } from './i18n/locale.svelte.js';

/** The reader's local calendar day, `YYYY-MM-DD`. */
export function todayIso(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** "Fri, Dec 4" — with the year when it is not `thisYear` (the reader's current year by default). */
export function formatDay(iso: string, thisYear: number = new Date().getFullYear()): string {
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale.tag, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: d.getUTCFullYear() === thisYear ? undefined : 'numeric',
    timeZone: 'UTC',
  }).format(d);
}

/** "Friday, December 4, 2026": a meeting's day in full. */
export function formatLongDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale.tag, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(d);
}

/** "Dec 4, 2026, 2:05 PM": a moment, with its date. */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(locale.tag, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** "2:05 PM" (or "14:05"): a moment today. */
export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(locale.tag, { hour: '2-digit', minute: '2-digit' }).format(ms);
}

/**
 * "10:00 AM" (or "10:00"): a wall-clock time `HH:MM` as the reader's language writes it. It is a time on
 * the meeting's own clock, not a moment, so no time zone shifts it; anything else is returned as given.
 */
export function formatClock(hhmm: string): string {
  const d = new Date(`1970-01-01T${hhmm}:00Z`);
  if (!/^\d{2}:\d{2}$/.test(hhmm) || Number.isNaN(d.getTime())) return hhmm;
  return new Intl.DateTimeFormat(locale.tag, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(d);
}

/** "5 minutes ago", "now": how long before `now` the moment `at` was (both ms). */
export function formatAgo(at: number, now: number): string {
  const rtf = new Intl.RelativeTimeFormat(locale.tag, { numeric: 'auto' });
  const s = Math.round((at - now) / 1000);
  if (s > -60) return rtf.format(Math.min(0, s), 'second');
  if (s > -3600) return rtf.format(Math.round(s / 60), 'minute');
  if (s > -86_400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86_400), 'day');
}

/** "Ana, Sam and Lee" (or "Ana, Sam und Lee"): names joined as the reader's language joins them. */
export function formatList(items: string[]): string {
  return new Intl.ListFormat(locale.tag, { style: 'long', type: 'conjunction' }).format(items);
}

/**
 * "Ann", "Ann and Bo", "Ann, Bo and Cy", "Ann, Bo and 2 others": a few names in full, a longer list cut
 * to its first two and how many more (`others` words that tail), joined as the reader's language joins them.
 */
export function formatNames(names: string[], others: (n: number) => string): string {
  return formatList(names.length > 3 ? [...names.slice(0, 2), others(names.length - 2)] : names);
}

/** Sorts names as the reader's language does (accents and case as a person expects). */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, locale.tag, { sensitivity: 'base' });
}
