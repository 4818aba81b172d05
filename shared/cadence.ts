/**
 * A series' cadence: an RRULE (RFC 5545, read by the `rrule` package) for the days, a first day, a wall-clock
 * start time and an IANA time zone. The rule runs on "floating" wall-clock times (a Date whose UTC fields are
 * the local date and time), so "weekly on Thursday at 10:00" stays at 10:00 local across daylight-saving
 * changes; only turning a slot into an instant uses the zone. Shared so a form refuses what the server would.
 */
import * as rruleModule from 'rrule';
import type { Options } from 'rrule';
import { isClockTime, isIsoDate } from './board-schema.js';

// Node loads the package's CommonJS build (its exports under `default`); a bundler loads its ES module build.
const { RRule, Frequency } = ((rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule) as typeof rruleModule;
type Frequency = rruleModule.Frequency;

/** Frequencies a team meeting can have; hourly and finer are not meetings. */
const FREQUENCIES = new Map<Frequency, string>([
  [Frequency.DAILY, 'DAILY'],
  [Frequency.WEEKLY, 'WEEKLY'],
  [Frequency.MONTHLY, 'MONTHLY'],
  [Frequency.YEARLY, 'YEARLY'],
]);
/** First and last year a series may be scheduled in. */
export const YEAR_RANGE = [2000, 2100] as const;
/** A slot: the local day and time of one meeting. */
export interface Slot {
  date: string;
  start: string;
}

export type CadenceCheck = { ok: true; rule: string } | { ok: false; message: string };

/**
 * Checks an RRULE such as `FREQ=WEEKLY;BYDAY=TH` and returns it normalised, or says what is wrong. The time
 * of day comes from the series' start time, so BYHOUR and finer parts are refused, as is DTSTART (the first
 * day is its own field).
 */
export function checkCadence(rule: string): CadenceCheck {
  const text = rule.trim().replace(/^RRULE:/i, '');
  if (text === '') return { ok: false, message: 'give a recurrence rule, such as FREQ=WEEKLY;BYDAY=TH' };
  if (/DTSTART|TZID|\n/i.test(text))
    return { ok: false, message: 'give the rule without DTSTART or TZID: the first day and the time zone are separate fields' };
  let opts: Partial<Options>;
  try {
    opts = RRule.parseString(text);
  } catch (err) {
    return { ok: false, message: `not a recurrence rule: ${(err as Error).message}` };
  }
  if (opts.freq === undefined || !FREQUENCIES.has(opts.freq)) return { ok: false, message: 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY' };
  if (opts.byhour != null || opts.byminute != null || opts.bysecond != null)
    return { ok: false, message: 'leave out BYHOUR, BYMINUTE and BYSECOND: the start time is its own field' };
  if (opts.interval !== undefined && (!Number.isInteger(opts.interval) || opts.interval < 1 || opts.interval > 52))
    return { ok: false, message: 'INTERVAL must be a whole number from 1 to 52' };
  if (opts.count != null && (opts.count < 1 || opts.count > 10_000)) return { ok: false, message: 'COUNT must be from 1 to 10000' };
  try {
    return { ok: true, rule: RRule.optionsToString(opts).replace(/^RRULE:/, '') };
  } catch (err) {
    return { ok: false, message: `not a recurrence rule: ${(err as Error).message}` };
  }
}

/** True when `tz` is an IANA time zone this runtime knows (or UTC). */
export function isTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const wall = (s: Slot): Date => new Date(`${s.date}T${s.start}:00Z`);
const slotOf = (d: Date): Slot => ({ date: d.toISOString().slice(0, 10), start: d.toISOString().slice(11, 16) });

function ruleFrom(rule: string, first: Slot): InstanceType<typeof RRule> {
  return new RRule({ ...RRule.parseString(rule), dtstart: wall(first), byhour: null, byminute: null, bysecond: null });
}

/**
 * The slots of a cadence: the first on or after `first`, then each after the one before. `after` (a slot)
 * gives the first slot strictly after it. Null when the rule has no (more) slot before the last year.
 */
export function nextSlot(rule: string | null, first: Slot, after?: Slot): Slot | null {
  if (rule === null) return after ? null : first;
  const r = ruleFrom(rule, first);
  const d = after ? r.after(wall(after), false) : r.after(wall(first), true);
  if (!d || d.getUTCFullYear() > YEAR_RANGE[1]) return null;
  return slotOf(d);
}

/** The next `n` slots from the first one (for showing a cadence before saving it). */
export function upcomingSlots(rule: string | null, first: Slot, n: number): Slot[] {
  const out: Slot[] = [];
  let s = nextSlot(rule, first);
  while (s && out.length < n) {
    out.push(s);
    s = nextSlot(rule, first, s);
  }
  return out;
}

/** The cadence in words ("every week on Thursday"), from the rrule package (English only). */
export function describeCadence(rule: string | null): string {
  if (rule === null) return 'once';
  try {
    return RRule.fromString(rule).toText();
  } catch {
    return rule;
  }
}

/** Offset of `tz` from UTC at instant `t`, in ms (positive east of Greenwich). */
function offsetAt(t: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(t / 1000) * 1000;
}

/**
 * The instant (ms since the epoch) of a local date and time in `tz`. A time that a spring-forward skips is
 * read with the offset before the change (02:30 becomes 03:30), as calendar apps do.
 */
export function slotInstant(slot: Slot, tz: string): number {
  const local = wall(slot).getTime();
  const first = local - offsetAt(local, tz);
  const second = local - offsetAt(first, tz);
  return second;
}

/** The local date and time of an instant in `tz`. */
export function instantSlot(t: number, tz: string): Slot {
  return slotOf(new Date(t + offsetAt(t, tz)));
}

/** True for a slot whose date is a real day within the supported years and whose start is `HH:MM`. */
export function isSlot(s: Slot): boolean {
  if (!isIsoDate(s.date) || !isClockTime(s.start)) return false;
  const year = Number(s.date.slice(0, 4));
  return year >= YEAR_RANGE[0] && year <= YEAR_RANGE[1];
}
