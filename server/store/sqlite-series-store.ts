import { ROLES, type Role } from '../../shared/roles.js';
import { hashToken, highestRoleMatching, newToken, TOKEN_PATTERN } from '../auth/tokens.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { fromMeeting, fromSeries, MEETING_FIELDS, type MeetingRow, type SeriesRow } from './series-rows.js';
import type { MeetingPatch, MeetingRecord, SeriesRecord, SeriesStore } from './series-store.js';

export class SqliteSeriesStore implements SeriesStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      insert: db.prepare(
        `INSERT INTO series (id, name, team, cadence, first_date, start_time, timezone, duration, template_id, people, open_before, flag_after, grace, reminder_days, overdue_digest, created_at, updated_at)
         VALUES (@id, @name, @team, @cadence, @first_date, @start_time, @timezone, @duration, @template_id, @people, @open_before, @flag_after, @grace, @reminder_days, @overdue_digest, @created_at, @updated_at)`,
      ),
      update: db.prepare(
        `UPDATE series SET name = @name, team = @team, cadence = @cadence, first_date = @first_date, start_time = @start_time, timezone = @timezone,
           duration = @duration, template_id = @template_id, people = @people, open_before = @open_before, flag_after = @flag_after, grace = @grace, reminder_days = @reminder_days, overdue_digest = @overdue_digest,
           updated_at = @updated_at WHERE id = @id`,
      ),
      get: db.prepare<[string], SeriesRow>('SELECT * FROM series WHERE id = ?'),
      autoOpen: db.prepare<[], SeriesRow>('SELECT * FROM series WHERE open_before IS NOT NULL AND cadence IS NOT NULL'),
      meetings: db.prepare<[string], MeetingRow>('SELECT * FROM series_meetings WHERE series_id = ? ORDER BY seq'),
      ofBoard: db.prepare<[string], MeetingRow>('SELECT * FROM series_meetings WHERE board_id = ?'),
      inStatus: db.prepare<[string], MeetingRow>('SELECT * FROM series_meetings WHERE status IN (SELECT value FROM json_each(?)) ORDER BY series_id, seq'),
      reserve: db.prepare(
        `INSERT OR IGNORE INTO series_meetings (series_id, seq, board_id, slot_date, slot_start, date, start, starts_at, ends_at, status, opened_at, started_at, ended_at, ended_by)
         VALUES (@series_id, @seq, @board_id, @slot_date, @slot_start, @date, @start, @starts_at, @ends_at, @status, @opened_at, @started_at, @ended_at, @ended_by)`,
      ),
      remove: db.prepare('DELETE FROM series_meetings WHERE series_id = ? AND seq = ?'),
      removeIfEmpty: db.prepare('DELETE FROM series WHERE id = ? AND NOT EXISTS (SELECT 1 FROM series_meetings WHERE series_id = ?)'),
      orphans: db.prepare<[], { id: string; title: string; created_at: number }>(
        'SELECT id, title, created_at FROM boards WHERE id NOT IN (SELECT board_id FROM series_meetings) ORDER BY created_at',
      ),
      upsertToken: db.prepare(
        `INSERT INTO series_tokens (series_id, role, token_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(series_id, role) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
      ),
      tokens: db.prepare<[string, string], { role: Role; token_hash: Buffer }>(
        `SELECT role, token_hash FROM series_tokens WHERE series_id = ?
         UNION ALL
         SELECT t.role, t.token_hash FROM board_tokens t JOIN series_meetings m ON m.board_id = t.board_id WHERE m.series_id = ?`,
      ),
      replaceBoardTokens: db.prepare(
        `UPDATE board_tokens SET token_hash = randomblob(32), created_at = ?
         WHERE role = ? AND board_id IN (SELECT board_id FROM series_meetings WHERE series_id = ?)`,
      ),
    };
  }

  async create(s: SeriesRecord): Promise<Record<Role, string>> {
    const tokens = { viewer: newToken(), participant: newToken(), facilitator: newToken() };
    this.#db.write(() => {
      this.#stmt.insert.run(toRow(s));
      for (const role of ROLES) this.#stmt.upsertToken.run(s.id, role, hashToken(tokens[role]), s.createdAt);
    });
    return tokens;
  }

  async get(id: string): Promise<SeriesRecord | null> {
    const row = this.#stmt.get.get(id);
    return row ? fromSeries(row) : null;
  }

  async update(s: SeriesRecord): Promise<void> {
    this.#db.write(() => this.#stmt.update.run(toRow(s)));
  }

  async withAutoOpen(): Promise<SeriesRecord[]> {
    return this.#stmt.autoOpen.all().map(fromSeries);
  }

  async meetings(seriesId: string): Promise<MeetingRecord[]> {
    return this.#stmt.meetings.all(seriesId).map(fromMeeting);
  }

  async meetingOfBoard(boardId: string): Promise<MeetingRecord | null> {
    const row = this.#stmt.ofBoard.get(boardId);
    return row ? fromMeeting(row) : null;
  }

  async meetingsIn(statuses: readonly MeetingRecord['status'][]): Promise<MeetingRecord[]> {
    return this.#stmt.inStatus.all(JSON.stringify(statuses)).map(fromMeeting);
  }

  async reserveMeeting(m: MeetingRecord): Promise<boolean> {
    const info = this.#db.write(() =>
      this.#stmt.reserve.run({
        series_id: m.seriesId,
        seq: m.seq,
        board_id: m.boardId,
        slot_date: m.slot?.date ?? null,
        slot_start: m.slot?.start ?? null,
        date: m.date,
        start: m.start,
        starts_at: m.startsAt,
        ends_at: m.endsAt,
        status: m.status,
        opened_at: m.openedAt,
        started_at: m.startedAt,
        ended_at: m.endedAt,
        ended_by: m.endedBy,
      }),
    );
    return info.changes === 1;
  }

  async updateMeeting(seriesId: string, seq: number, patch: MeetingPatch): Promise<void> {
    const keys = (Object.keys(patch) as (keyof MeetingPatch)[]).filter((k) => patch[k] !== undefined);
    if (keys.length === 0) return;
    // Column names come from the fixed map MEETING_FIELDS, never from the caller.
    const sql = `UPDATE series_meetings SET ${keys.map((k) => `${MEETING_FIELDS[k]} = ?`).join(', ')} WHERE series_id = ? AND seq = ?`;
    this.#db.write(() => this.#db.prepare(sql).run(...keys.map((k) => patch[k] ?? null), seriesId, seq));
  }

  async removeMeeting(seriesId: string, seq: number): Promise<void> {
    this.#db.write(() => {
      this.#stmt.remove.run(seriesId, seq);
      this.#stmt.removeIfEmpty.run(seriesId, seriesId);
    });
  }

  async boardsWithoutSeries(): Promise<{ id: string; title: string; createdAt: number }[]> {
    return this.#stmt.orphans.all().map((r) => ({ id: r.id, title: r.title, createdAt: r.created_at }));
  }

  async resolveToken(seriesId: string, token: string): Promise<Role | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    return highestRoleMatching(this.#stmt.tokens.all(seriesId, seriesId), token);
  }

  async rotateToken(seriesId: string, role: Role): Promise<string> {
    const token = newToken();
    const now = Date.now();
    this.#db.write(() => {
      this.#stmt.upsertToken.run(seriesId, role, hashToken(token), now);
      // The boards' own tokens of this role would still open the series: replace them with ones nobody has.
      this.#stmt.replaceBoardTokens.run(now, role, seriesId);
    });
    return token;
  }
}

function toRow(s: SeriesRecord): SeriesRow {
  return {
    id: s.id,
    name: s.name,
    team: s.team,
    cadence: s.cadence,
    first_date: s.firstDate,
    start_time: s.startTime,
    timezone: s.timezone,
    duration: s.durationMinutes,
    template_id: s.template,
    people: JSON.stringify(s.people),
    open_before: s.settings.openBeforeMinutes,
    flag_after: s.settings.flagAfter,
    grace: s.settings.graceMinutes,
    reminder_days: s.settings.reminderDaysBefore,
    overdue_digest: s.settings.overdueDigest ? 1 : 0,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}
