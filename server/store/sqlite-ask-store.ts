import type { NeedStatus } from '../../shared/board-schema.js';
import { fromAsk, fromEscalation, type AskRow, type EscalationRow } from './ask-rows.js';
import type { AskRecord, AskStore, EscalationRecord } from './ask-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

export class SqliteAskStore implements AskStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      insertAsk: db.prepare(
        `INSERT OR IGNORE INTO series_asks (id, from_series, from_board, from_card, to_series, asker, addressee, what, by_when, status, reason,
                                            created_at, answered_at, answer_seq, placed_board, shown_status, shown_board)
         VALUES (@id, @from_series, @from_board, @from_card, @to_series, @asker, @addressee, @what, @by_when, @status, @reason,
                 @created_at, @answered_at, @answer_seq, @placed_board, @shown_status, @shown_board)`,
      ),
      getAsk: db.prepare<[string], AskRow>('SELECT * FROM series_asks WHERE id = ?'),
      asksFrom: db.prepare<[string], AskRow>('SELECT * FROM series_asks WHERE from_series = ? ORDER BY created_at, id'),
      asksTo: db.prepare<[string], AskRow>('SELECT * FROM series_asks WHERE to_series = ? ORDER BY created_at, id'),
      placeAsk: db.prepare('UPDATE series_asks SET placed_board = ? WHERE id = ? AND placed_board IS NULL'),
      answerAsk: db.prepare(
        'UPDATE series_asks SET status = ?, reason = ?, answer_seq = ?, answered_at = COALESCE(answered_at, CASE WHEN ? THEN ? END) WHERE id = ?',
      ),
      showAnswer: db.prepare('UPDATE series_asks SET shown_status = ?, shown_board = ? WHERE id = ?'),
      insertEscalation: db.prepare(
        `INSERT OR IGNORE INTO series_escalations (id, from_series, from_board, from_card, to_series, problem, proposals, history, created_at, placed_board)
         VALUES (@id, @from_series, @from_board, @from_card, @to_series, @problem, @proposals, @history, @created_at, @placed_board)`,
      ),
      escalationsFrom: db.prepare<[string], EscalationRow>('SELECT * FROM series_escalations WHERE from_series = ? ORDER BY created_at, id'),
      escalationsTo: db.prepare<[string], EscalationRow>('SELECT * FROM series_escalations WHERE to_series = ? ORDER BY created_at, id'),
      placeEscalation: db.prepare('UPDATE series_escalations SET placed_board = ? WHERE id = ? AND placed_board IS NULL'),
      forgetPlaced: db.prepare('UPDATE series_asks SET placed_board = NULL WHERE placed_board = ?'),
      forgetShown: db.prepare('UPDATE series_asks SET shown_status = NULL, shown_board = NULL WHERE shown_board = ?'),
      forgetEscalated: db.prepare('UPDATE series_escalations SET placed_board = NULL WHERE placed_board = ?'),
    };
  }

  async createAsk(a: AskRecord): Promise<boolean> {
    const info = this.#db.write(() =>
      this.#stmt.insertAsk.run({
        id: a.id,
        from_series: a.fromSeries,
        from_board: a.fromBoard,
        from_card: a.fromCard,
        to_series: a.toSeries,
        asker: a.asker,
        addressee: a.addressee,
        what: a.what,
        by_when: a.byWhen,
        status: a.status,
        reason: a.reason,
        created_at: a.createdAt,
        answered_at: a.answeredAt,
        answer_seq: a.answerSeq,
        placed_board: a.placedBoard,
        shown_status: a.shownStatus,
        shown_board: a.shownBoard,
      }),
    );
    return info.changes === 1;
  }

  async getAsk(id: string): Promise<AskRecord | null> {
    const row = this.#stmt.getAsk.get(id);
    return row ? fromAsk(row) : null;
  }

  async asksFrom(seriesId: string): Promise<AskRecord[]> {
    return this.#stmt.asksFrom.all(seriesId).map(fromAsk);
  }

  async asksTo(seriesId: string): Promise<AskRecord[]> {
    return this.#stmt.asksTo.all(seriesId).map(fromAsk);
  }

  async placeAsk(id: string, boardId: string): Promise<boolean> {
    return this.#db.write(() => this.#stmt.placeAsk.run(boardId, id)).changes === 1;
  }

  async answerAsk(id: string, answer: { status: NeedStatus; reason: string; at: number; seq: number }): Promise<void> {
    const answered = answer.status !== 'open' ? 1 : 0;
    this.#db.write(() => this.#stmt.answerAsk.run(answer.status, answer.reason, answer.seq, answered, answer.at, id));
  }

  async showAnswer(id: string, status: NeedStatus, boardId: string): Promise<void> {
    this.#db.write(() => this.#stmt.showAnswer.run(status, boardId, id));
  }

  async createEscalation(e: EscalationRecord): Promise<boolean> {
    const info = this.#db.write(() =>
      this.#stmt.insertEscalation.run({
        id: e.id,
        from_series: e.fromSeries,
        from_board: e.fromBoard,
        from_card: e.fromCard,
        to_series: e.toSeries,
        problem: e.problem,
        proposals: JSON.stringify(e.proposals),
        history: JSON.stringify(e.history),
        created_at: e.createdAt,
        placed_board: e.placedBoard,
      }),
    );
    return info.changes === 1;
  }

  async escalationsFrom(seriesId: string): Promise<EscalationRecord[]> {
    return this.#stmt.escalationsFrom.all(seriesId).map(fromEscalation);
  }

  async escalationsTo(seriesId: string): Promise<EscalationRecord[]> {
    return this.#stmt.escalationsTo.all(seriesId).map(fromEscalation);
  }

  async placeEscalation(id: string, boardId: string): Promise<boolean> {
    return this.#db.write(() => this.#stmt.placeEscalation.run(boardId, id)).changes === 1;
  }

  async forgetBoard(boardId: string): Promise<void> {
    this.#db.write(() => {
      this.#stmt.forgetPlaced.run(boardId);
      this.#stmt.forgetShown.run(boardId);
      this.#stmt.forgetEscalated.run(boardId);
    });
  }
}
