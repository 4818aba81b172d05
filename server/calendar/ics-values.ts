/**
 * Values of iCalendar files (RFC 5545) as every writer here makes them with ical.js: user text, UTC times,
 * all-day dates, and the file itself with lines folded so that no line exceeds 75 octets.
 */
import ICAL from 'ical.js';
import { exportableTime, normaliseLineBreaks } from '../actions/text-rules.js';

/**
 * User text for an iCalendar TEXT value: line breaks as LF (ical.js escapes LF as `\n` but would write a CR
 * raw, ending the line), and without the other control characters, which TEXT cannot carry (RFC 5545 §3.3.11).
 */
export function icsText(s: string): string {
  return normaliseLineBreaks(s).replace(/[\x00-\x08\x0B-\x1F\x7F]/g, '');
}

/** A time (ms since the epoch) as a UTC date-time, or null when it cannot be written. */
export function icsTime(ms: number): ICAL.Time | null {
  const d = exportableTime(ms);
  return d ? ICAL.Time.fromJSDate(d, true) : null;
}

/** The day after a `YYYY-MM-DD` (the exclusive end of an all-day event). */
export function nextDay(day: string): ICAL.Time {
  const t = ICAL.Time.fromDateString(day);
  t.adjust(1, 0, 0, 0);
  return t;
}

/**
 * Adds a TEXT property with user text. ical.js writes a property it does not know (an `X-` one) raw, line
 * breaks and all; typed as TEXT it is escaped, and `VALUE=TEXT` tells every parser to unescape it.
 */
export function addText(c: ICAL.Component, name: string, value: string): void {
  c.addProperty(new ICAL.Property([name, {}, 'text', icsText(value)]));
}

/**
 * The calendar as a file, CRLF-terminated. ical.js folds every segment at 75 octets, so a continuation line
 * with its leading space has 76; RFC 5545 §3.1 counts the space. Its fold length is module state: set it for
 * this synchronous call only.
 */
export function icsString(cal: ICAL.Component): string {
  const foldLength = ICAL.foldLength;
  ICAL.foldLength = 74;
  try {
    return `${cal.toString()}\r\n`;
  } finally {
    ICAL.foldLength = foldLength;
  }
}
