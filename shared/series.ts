/**
 * Series: a team's recurring meeting, and its meetings (occurrences), each with its own board. REST payloads
 * and answers of `/api/series` (docs/api.md); the server validates every body with these, and the client's
 * forms use the same schemas.
 */
import { z } from 'zod';
import { isClockTime, isIsoDate, LIMITS } from './board-schema.js';
import { checkCadence, isSlot, isTimeZone, nextSlot, YEAR_RANGE } from './cadence.js';
import type { Role, RoleLinks } from './roles.js';
import { TemplateId } from './templates.js';

/** Where a meeting of a series stands. */
export const MEETING_STATUSES = ['open', 'running', 'ended', 'missed'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const SERIES_LIMITS = {
  people: 200,
  /** Longest a meeting may last, in minutes. */
  duration: 720,
  /** Longest lead for opening the next meeting by itself: a week. */
  openBefore: 7 * 24 * 60,
  grace: 24 * 60,
  flagAfter: 100,
  reminderDays: 30,
  rule: 500,
} as const;

export interface SeriesSettings {
  /** Open the next meeting by itself this many minutes before it starts; null = only by hand. */
  openBeforeMinutes: number | null;
  /** Flag a challenge open for this many meetings; 0 = never. */
  flagAfter: number;
  /** A meeting still running this long after its scheduled end ends by itself. */
  graceMinutes: number;
  /** Mail owners about an action item this many days before it is due (0 = on the day); null = no reminders. */
  reminderDaysBefore: number | null;
  /** Mail each owner a weekly list of their overdue action items (Mondays). Off unless turned on. */
  overdueDigest: boolean;
}

export interface Series {
  id: string;
  name: string;
  team: string;
  /** The RRULE of its days (`FREQ=WEEKLY;BYDAY=TH`), or null for a one-off (a board made outside any series). */
  cadence: string | null;
  /** The cadence in words. */
  cadenceText: string;
  /** The first day and the start time, local to `timezone`. */
  firstDate: string;
  startTime: string;
  timezone: string;
  durationMinutes: number;
  /** The template each new meeting starts from, or null for an empty board. */
  template: string | null;
  people: string[];
  settings: SeriesSettings;
  createdAt: number;
  updatedAt: number;
}

export interface SeriesMeeting {
  seriesId: string;
  /** 1, 2, …: its place in the series. */
  seq: number;
  boardId: string;
  /** Scheduled local day (`YYYY-MM-DD`) and start (`HH:MM`) in the series' zone, and the same as instants. */
  date: string;
  start: string;
  startsAt: number;
  endsAt: number;
  status: MeetingStatus;
  openedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /** Who ended it: the facilitator, or the server when it was left running past its end plus the grace. */
  endedBy: 'facilitator' | 'auto' | null;
}

/** The next meeting the cadence has, not opened yet. */
export interface NextSlotInfo {
  date: string;
  start: string;
  startsAt: number;
}

export interface SeriesResponse {
  series: Series;
  /** The role the presented token grants on the series (and every meeting of it). */
  role: Role;
  /** Oldest first. */
  meetings: SeriesMeeting[];
  next: NextSlotInfo | null;
  /** The series' page, without a token. */
  url: string;
}

export interface CreateSeriesResponse extends SeriesResponse {
  /** One link per role to the series' page; each works on every meeting's board. Shown once: store them. */
  links: RoleLinks;
}

export interface OpenMeetingResponse {
  meeting: SeriesMeeting;
  /** False when the meeting was already open (a second press, another browser): nothing was made twice. */
  created: boolean;
}

const trimmed = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const required = (max: number) => trimmed(max).min(1, 'must not be empty');
const isoDay = z
  .string()
  .trim()
  .refine((s) => isIsoDate(s), 'must be a real date as YYYY-MM-DD')
  .refine((s) => Number(s.slice(0, 4)) >= YEAR_RANGE[0] && Number(s.slice(0, 4)) <= YEAR_RANGE[1], `must be in the years ${YEAR_RANGE[0]}–${YEAR_RANGE[1]}`);
const clock = z
  .string()
  .trim()
  .refine((s) => isClockTime(s), 'must be a time as HH:MM (24-hour clock)');
const zone = z
  .string()
  .trim()
  .refine((s) => isTimeZone(s), 'must be a time zone such as Europe/Berlin or UTC');
const cadence = z
  .string()
  .max(SERIES_LIMITS.rule)
  .transform((s, ctx) => {
    const c = checkCadence(s);
    if (!c.ok) {
      ctx.addIssue({ code: 'custom', message: c.message });
      return z.NEVER;
    }
    return c.rule;
  });
const minutes = (min: number, max: number) => z.number().int('must be whole minutes').min(min).max(max);
const person = required(LIMITS.name);
const people = z
  .array(person)
  .max(SERIES_LIMITS.people)
  .transform((names) => {
    const seen = new Set<string>();
    return names.filter((n) => !seen.has(n.toLowerCase()) && seen.add(n.toLowerCase()));
  });

const settingsFields = {
  openBeforeMinutes: minutes(0, SERIES_LIMITS.openBefore).nullable().optional(),
  flagAfter: minutes(0, SERIES_LIMITS.flagAfter).optional(),
  graceMinutes: minutes(0, SERIES_LIMITS.grace).optional(),
  reminderDaysBefore: z.number().int('must be whole days').min(0).max(SERIES_LIMITS.reminderDays).nullable().optional(),
  overdueDigest: z.boolean().optional(),
};

/** A cadence with a first day that the rule never reaches (30 February) has no meeting: refused. */
function cadenceHasSlot(b: { cadence?: string | null; firstDate?: string; startTime?: string }, ctx: z.RefinementCtx): void {
  if (!b.cadence || !b.firstDate || !b.startTime) return;
  const first = { date: b.firstDate, start: b.startTime };
  if (!isSlot(first)) return;
  const slot = nextSlot(b.cadence, first);
  if (!slot) ctx.addIssue({ code: 'custom', path: ['cadence'], message: 'this cadence has no meeting on or after the first day' });
}

export const CreateSeriesBody = z
  .strictObject({
    name: required(LIMITS.title),
    team: trimmed(LIMITS.title).optional(),
    /** An RRULE; null or absent = a single meeting. */
    cadence: cadence.nullable().optional(),
    firstDate: isoDay,
    startTime: clock,
    timezone: zone.optional(),
    durationMinutes: minutes(5, SERIES_LIMITS.duration).optional(),
    template: TemplateId.optional(),
    people: people.optional(),
    ...settingsFields,
  })
  .superRefine(cadenceHasSlot);
export type CreateSeriesBody = z.infer<typeof CreateSeriesBody>;

export const UpdateSeriesBody = z
  .strictObject({
    name: required(LIMITS.title).optional(),
    team: trimmed(LIMITS.title).optional(),
    cadence: cadence.nullable().optional(),
    firstDate: isoDay.optional(),
    startTime: clock.optional(),
    timezone: zone.optional(),
    durationMinutes: minutes(5, SERIES_LIMITS.duration).optional(),
    template: TemplateId.nullable().optional(),
    people: people.optional(),
    ...settingsFields,
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one field to change')
  .superRefine(cadenceHasSlot);
export type UpdateSeriesBody = z.infer<typeof UpdateSeriesBody>;

/** Moves one meeting: its day, its start, or both (local to the series' zone). */
export const RescheduleMeetingBody = z
  .strictObject({ date: isoDay.optional(), start: clock.optional() })
  .refine((b) => b.date !== undefined || b.start !== undefined, 'give a date or a start time');
export type RescheduleMeetingBody = z.infer<typeof RescheduleMeetingBody>;

/**
 * Opens the meeting after meeting `after` (default: the latest). Two presses that both say `after: 3` open
 * meeting 4 once; the second gets it back with `created: false`.
 */
export const OpenMeetingBody = z.strictObject({ after: z.number().int().min(0).max(1_000_000).optional() });
export type OpenMeetingBody = z.infer<typeof OpenMeetingBody>;

export const seriesPath = (id: string): string => `/s/${encodeURIComponent(id)}`;
