/**
 * Persistence of series, their meetings and their role tokens (SQLite implementation: sqlite-series-store.ts).
 * A meeting row is written as 'opening' before its board exists, so an interrupted opening is finished or
 * undone on restart (server/series/series-service.ts) and never done twice: (series, seq) is unique.
 */
import type { Slot } from '../../shared/cadence.js';
import type { Role } from '../../shared/roles.js';
import type { MeetingStatus, SeriesSettings } from '../../shared/series.js';

export interface SeriesRecord {
  id: string;
  name: string;
  team: string;
  cadence: string | null;
  firstDate: string;
  /** `HH:MM`, or '' for a series made from a board that had no start time. */
  startTime: string;
  timezone: string;
  durationMinutes: number;
  template: string | null;
  people: string[];
  settings: SeriesSettings;
  createdAt: number;
  updatedAt: number;
}

export interface MeetingRecord {
  seriesId: string;
  seq: number;
  boardId: string;
  /** Its place in the cadence (null for a meeting opened outside it); rescheduling moves `date`/`start`, not this. */
  slot: Slot | null;
  date: string;
  start: string;
  startsAt: number;
  endsAt: number;
  status: MeetingStatus | 'opening';
  openedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  endedBy: 'facilitator' | 'auto' | null;
}

export type MeetingPatch = Partial<Pick<MeetingRecord, 'date' | 'start' | 'startsAt' | 'endsAt' | 'status' | 'startedAt' | 'endedAt' | 'endedBy'>>;

export interface SeriesStore {
  /** Stores a new series and returns, once only, a fresh token per role. */
  create(series: SeriesRecord): Promise<Record<Role, string>>;
  get(id: string): Promise<SeriesRecord | null>;
  update(series: SeriesRecord): Promise<void>;
  /** Every series with a lead time for opening its next meeting by itself. */
  withAutoOpen(): Promise<SeriesRecord[]>;

  /** The series' meetings, oldest first ('opening' ones included). */
  meetings(seriesId: string): Promise<MeetingRecord[]>;
  meetingOfBoard(boardId: string): Promise<MeetingRecord | null>;
  /** Meetings in any of these states, across all series. */
  meetingsIn(statuses: readonly MeetingRecord['status'][]): Promise<MeetingRecord[]>;
  /** Writes a new meeting row; false when the series already has a meeting with its seq (or its board). */
  reserveMeeting(meeting: MeetingRecord): Promise<boolean>;
  updateMeeting(seriesId: string, seq: number, patch: MeetingPatch): Promise<void>;
  /** Removes a meeting row (an opening undone, or its board deleted); the series goes with its last meeting. */
  removeMeeting(seriesId: string, seq: number): Promise<void>;
  /** Boards that belong to no series (made before series existed, imported or copied since). */
  boardsWithoutSeries(): Promise<{ id: string; title: string; createdAt: number }[]>;

  /** The role a token grants on the series: one of its own tokens, or a token of one of its meetings' boards. */
  resolveToken(seriesId: string, token: string): Promise<Role | null>;
  /** Replaces a role's token of the series, and that role's token of each of its boards: the old links stop working. */
  rotateToken(seriesId: string, role: Role): Promise<string>;
}
