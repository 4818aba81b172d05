import { fromVote, type VoteRow } from './meeting-rows.js';
import type { MeetingStore, VoteRecord } from './meeting-store.js';
import type { PgDatabase } from './pg-database.js';

/** The meeting channel's state on PostgreSQL. Rounds revealed at the same moment keep their insertion order (`ord`). */
export class PgMeetingStore implements MeetingStore {
  constructor(private readonly db: PgDatabase) {}

  async loadMeeting(boardId: string): Promise<unknown | null> {
    const row = await this.db.one<{ state: string }>('SELECT state FROM meetings WHERE board_id = $1', [boardId]);
    return row ? JSON.parse(row.state) : null;
  }

  async saveMeeting(boardId: string, state: unknown): Promise<void> {
    await this.db.run(
      `INSERT INTO meetings (board_id, state, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (board_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      [boardId, JSON.stringify(state), Date.now()],
    );
  }

  async recordVote(r: VoteRecord): Promise<void> {
    await this.db.run('INSERT INTO vote_rounds (id, board_id, dots_per_person, opened_at, revealed_at, voters, results) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      r.id,
      r.boardId,
      r.dotsPerPerson,
      r.openedAt,
      r.revealedAt,
      r.voters,
      JSON.stringify(r.results),
    ]);
  }

  async listVotes(boardId: string): Promise<VoteRecord[]> {
    const rows = await this.db.rows<VoteRow>(
      'SELECT id, board_id, dots_per_person, opened_at, revealed_at, voters, results FROM vote_rounds WHERE board_id = $1 ORDER BY revealed_at, ord',
      [boardId],
    );
    return rows.map(fromVote);
  }
}
