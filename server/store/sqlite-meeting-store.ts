import { fromVote, type VoteRow } from './meeting-rows.js';
import type { MeetingStore, VoteRecord } from './meeting-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** The meeting channel's state in the server's database. */
export class SqliteMeetingStore implements MeetingStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      load: db.prepare<[string], { state: string }>('SELECT state FROM meetings WHERE board_id = ?'),
      save: db.prepare(
        `INSERT INTO meetings (board_id, state, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(board_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      ),
      vote: db.prepare('INSERT INTO vote_rounds (id, board_id, dots_per_person, opened_at, revealed_at, voters, results) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      votes: db.prepare<[string], VoteRow>('SELECT * FROM vote_rounds WHERE board_id = ? ORDER BY revealed_at, rowid'),
    };
  }

  async loadMeeting(boardId: string): Promise<unknown | null> {
    const row = this.#stmt.load.get(boardId);
    return row ? JSON.parse(row.state) : null;
  }

  async saveMeeting(boardId: string, state: unknown): Promise<void> {
    this.#db.write(() => this.#stmt.save.run(boardId, JSON.stringify(state), Date.now()));
  }

  async recordVote(r: VoteRecord): Promise<void> {
    this.#db.write(() => this.#stmt.vote.run(r.id, r.boardId, r.dotsPerPerson, r.openedAt, r.revealedAt, r.voters, JSON.stringify(r.results)));
  }

  async listVotes(boardId: string): Promise<VoteRecord[]> {
    return this.#stmt.votes.all(boardId).map(fromVote);
  }
}
