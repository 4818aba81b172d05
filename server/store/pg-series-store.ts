import { ROLES, type Role } from '../../shared/roles.js';
import { hashToken, highestRoleMatching, newToken, TOKEN_PATTERN } from '../auth/tokens.js';
import type { PgDatabase, Queryable } from './pg-database.js';
import { fromMeeting, fromSeries, MEETING_FIELDS, type MeetingRow, type SeriesRow } from './series-rows.js';
import type { MeetingPatch, MeetingRecord, SeriesRecord, SeriesStore } from './series-store.js';

/** The series columns in the order `seriesValues` gives them. */
const SERIES_COLUMNS =
  'id, name, team, cadence, first_date, start_time, timezone, duration, template_id, people, open_before, flag_after, grace, reminder_days, overdue_digest, created_at, updated_at';

const seriesValues = (s: SeriesRecord): unknown[] => [
  s.id,
  s.name,
  s.team,
  s.cadence,
  s.firstDate,
  s.startTime,
  s.timezone,
  s.durationMinutes,
  s.template,
  JSON.stringify(s.people),
  s.settings.openBeforeMinutes,
  s.settings.flagAfter,
  s.settings.graceMinutes,
  s.settings.reminderDaysBefore,
  s.settings.overdueDigest,
  s.createdAt,
  s.updatedAt,
];

const UPSERT_TOKEN = `INSERT INTO series_tokens (series_id, role, token_hash, created_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (series_id, role) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`;

/**
 * Series, their meetings and their role tokens on PostgreSQL (sqlite-series-store.ts is the reference).
 * Text is ordered by COLLATE "C", SQLite's byte order, whatever the database's locale.
 */
export class PgSeriesStore implements SeriesStore {
  constructor(private readonly db: PgDatabase) {}

  async create(s: SeriesRecord): Promise<Record<Role, string>> {
    const tokens = { viewer: newToken(), participant: newToken(), facilitator: newToken() };
    await this.db.transaction(async (tx) => {
      await tx.run(`INSERT INTO series (${SERIES_COLUMNS}) VALUES (${placeholders(17)})`, seriesValues(s));
      for (const role of ROLES) await tx.run(UPSERT_TOKEN, [s.id, role, hashToken(tokens[role]), s.createdAt]);
    });
    return tokens;
  }

  async get(id: string): Promise<SeriesRecord | null> {
    const row = await this.db.one<SeriesRow>('SELECT * FROM series WHERE id = $1', [id]);
    return row ? fromSeries(row) : null;
  }

  async update(s: SeriesRecord): Promise<void> {
    // Every column but created_at, which stays as it was created.
    const values = seriesValues(s);
    await this.db.run(
      `UPDATE series SET name = $2, team = $3, cadence = $4, first_date = $5, start_time = $6, timezone = $7, duration = $8, template_id = $9,
         people = $10, open_before = $11, flag_after = $12, grace = $13, reminder_days = $14, overdue_digest = $15, updated_at = $16
       WHERE id = $1`,
      [...values.slice(0, 15), values[16]],
    );
  }

  async withAutoOpen(): Promise<SeriesRecord[]> {
    const rows = await this.db.rows<SeriesRow>(
      'SELECT * FROM series WHERE open_before IS NOT NULL AND cadence IS NOT NULL ORDER BY created_at, id COLLATE "C"',
    );
    return rows.map(fromSeries);
  }

  async meetings(seriesId: string): Promise<MeetingRecord[]> {
    return (await this.db.rows<MeetingRow>('SELECT * FROM series_meetings WHERE series_id = $1 ORDER BY seq', [seriesId])).map(fromMeeting);
  }

  async meetingOfBoard(boardId: string): Promise<MeetingRecord | null> {
    const row = await this.db.one<MeetingRow>('SELECT * FROM series_meetings WHERE board_id = $1', [boardId]);
    return row ? fromMeeting(row) : null;
  }

  async meetingsIn(statuses: readonly MeetingRecord['status'][]): Promise<MeetingRecord[]> {
    const rows = await this.db.rows<MeetingRow>('SELECT * FROM series_meetings WHERE status = ANY($1::text[]) ORDER BY series_id COLLATE "C", seq', [
      [...statuses],
    ]);
    return rows.map(fromMeeting);
  }

  async reserveMeeting(m: MeetingRecord): Promise<boolean> {
    // One statement: of two instances reserving the same seq (or board) at once, exactly one gets the row.
    const changed = await this.db.run(
      `INSERT INTO series_meetings (series_id, seq, board_id, slot_date, slot_start, date, start, starts_at, ends_at, status, opened_at, started_at, ended_at, ended_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
      [
        m.seriesId,
        m.seq,
        m.boardId,
        m.slot?.date ?? null,
        m.slot?.start ?? null,
        m.date,
        m.start,
        m.startsAt,
        m.endsAt,
        m.status,
        m.openedAt,
        m.startedAt,
        m.endedAt,
        m.endedBy,
      ],
    );
    return changed === 1;
  }

  async updateMeeting(seriesId: string, seq: number, patch: MeetingPatch): Promise<void> {
    const keys = (Object.keys(patch) as (keyof MeetingPatch)[]).filter((k) => patch[k] !== undefined);
    if (keys.length === 0) return;
    // Column names come from the fixed map MEETING_FIELDS, never from the caller.
    const sets = keys.map((k, i) => `${MEETING_FIELDS[k]} = $${i + 1}`).join(', ');
    await this.db.run(`UPDATE series_meetings SET ${sets} WHERE series_id = $${keys.length + 1} AND seq = $${keys.length + 2}`, [
      ...keys.map((k) => patch[k] ?? null),
      seriesId,
      seq,
    ]);
  }

  async removeMeeting(seriesId: string, seq: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      // The series row is locked first: two instances removing its last two meetings at once would each
      // still see the other's meeting and both keep an empty series; locked, the second sees the first's commit.
      await tx.run('SELECT 1 FROM series WHERE id = $1 FOR UPDATE', [seriesId]);
      await tx.run('DELETE FROM series_meetings WHERE series_id = $1 AND seq = $2', [seriesId, seq]);
      await tx.run('DELETE FROM series WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM series_meetings WHERE series_id = $1)', [seriesId]);
    });
  }

  async boardsWithoutSeries(): Promise<{ id: string; title: string; createdAt: number }[]> {
    // SQLite breaks ties of created_at by insertion order, which boards do not record here: the id decides.
    const rows = await this.db.rows<{ id: string; title: string; created_at: number }>(
      'SELECT id, title, created_at FROM boards WHERE id NOT IN (SELECT board_id FROM series_meetings) ORDER BY created_at, id COLLATE "C"',
    );
    return rows.map((r) => ({ id: r.id, title: r.title, createdAt: r.created_at }));
  }

  async resolveToken(seriesId: string, token: string): Promise<Role | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const rows = await this.db.rows<{ role: Role; token_hash: Buffer }>(
      `SELECT role, token_hash FROM series_tokens WHERE series_id = $1
       UNION ALL
       SELECT t.role, t.token_hash FROM board_tokens t JOIN series_meetings m ON m.board_id = t.board_id WHERE m.series_id = $1`,
      [seriesId],
    );
    return highestRoleMatching(rows, token);
  }

  async rotateToken(seriesId: string, role: Role): Promise<string> {
    const token = newToken();
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      await tx.run(UPSERT_TOKEN, [seriesId, role, hashToken(token), now]);
      await replaceBoardTokens(tx, seriesId, role, now);
    });
    return token;
  }
}

/**
 * The boards' own tokens of this role would still open the series: replace them with ones nobody has. Each
 * row gets 32 bytes hashed from its own strong random UUID (gen_random_uuid, built in since PostgreSQL 13).
 */
async function replaceBoardTokens(tx: Queryable, seriesId: string, role: Role, now: number): Promise<void> {
  await tx.run(
    `UPDATE board_tokens SET token_hash = sha256(convert_to(gen_random_uuid()::text, 'UTF8')), created_at = $1
     WHERE role = $2 AND board_id IN (SELECT board_id FROM series_meetings WHERE series_id = $3)`,
    [now, role, seriesId],
  );
}

const placeholders = (n: number): string => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
