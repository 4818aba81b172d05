/** Rules every export shares (Markdown, CSV, iCalendar): line breaks and the times a file can carry. */
import { TIME_MAX_MS } from '../../shared/history-schemas.js';

/**
 * CR LF and a lone CR as LF. Spreadsheets, CommonMark and iCalendar parsers all end a line at a lone CR,
 * while the escaping below (and csv-stringify's and ical.js's) is written for LF: normalise first.
 */
export function normaliseLineBreaks(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

/**
 * A time (ms since the epoch) as a Date, or null when an export cannot write it: not a finite number, or
 * outside 1970 to 9999 (iCalendar and ISO 8601 need four-digit years; earlier times never occur here).
 */
export function exportableTime(ms: number): Date | null {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= TIME_MAX_MS ? new Date(ms) : null;
}
