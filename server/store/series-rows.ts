/** The rows of series and their meetings as both engines return them, and the records they make. */
import type { MeetingPatch, MeetingRecord, SeriesRecord } from './series-store.js';

export interface SeriesRow {
  id: string;
  name: string;
  team: string;
  cadence: string | null;
  first_date: string;
  start_time: string;
  timezone: string;
  duration: number;
  template_id: string | null;
  people: string;
  open_before: number | null;
  reminder_days: number | null;
  /** 0/1 from SQLite, false/true from PostgreSQL. */
  overdue_digest: boolean | number;
  flag_after: number;
  grace: number;
  created_at: number;
  updated_at: number;
}

export interface MeetingRow {
  series_id: string;
  seq: number;
  board_id: string;
  slot_date: string | null;
  slot_start: string | null;
  date: string;
  start: string;
  starts_at: number;
  ends_at: number;
  status: MeetingRecord['status'];
  opened_at: number;
  started_at: number | null;
  ended_at: number | null;
  ended_by: 'facilitator' | 'auto' | null;
}

export const fromSeries = (r: SeriesRow): SeriesRecord => ({
  id: r.id,
  name: r.name,
  team: r.team,
  cadence: r.cadence,
  firstDate: r.first_date,
  startTime: r.start_time,
  timezone: r.timezone,
  durationMinutes: r.duration,
  template: r.template_id,
  people: JSON.parse(r.people) as string[],
  settings: {
    openBeforeMinutes: r.open_before,
    flagAfter: r.flag_after,
    graceMinutes: r.grace,
    reminderDaysBefore: r.reminder_days,
    overdueDigest: r.overdue_digest === 1 || r.overdue_digest === true,
  },
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const fromMeeting = (r: MeetingRow): MeetingRecord => ({
  seriesId: r.series_id,
  seq: r.seq,
  boardId: r.board_id,
  slot: r.slot_date && r.slot_start !== null ? { date: r.slot_date, start: r.slot_start } : null,
  date: r.date,
  start: r.start,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  status: r.status,
  openedAt: r.opened_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  endedBy: r.ended_by,
});

export const MEETING_FIELDS: Record<keyof MeetingPatch, string> = {
  date: 'date',
  start: 'start',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  status: 'status',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  endedBy: 'ended_by',
};
