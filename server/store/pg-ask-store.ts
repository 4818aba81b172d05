import type { NeedStatus } from '../../shared/board-schema.js';
import { fromAsk, fromEscalation, type AskRow, type EscalationRow } from './ask-rows.js';
import type { AskRecord, AskStore, EscalationRecord } from './ask-store.js';
import type { PgDatabase } from './pg-database.js';

const ASK_COLUMNS =
  'id, from_series, from_board, from_card, to_series, asker, addressee, what, by_when, status, reason, created_at, answered_at, answer_seq, placed_board, shown_status, shown_board';
const ESCALATION_COLUMNS = 'id, from_series, from_board, from_card, to_series, problem, proposals, history, created_at, placed_board';
// COLLATE "C": ids compared byte by byte, as SQLite compares text, whatever the database's locale.
const ORDER = 'ORDER BY created_at, id COLLATE "C"';

/**
 * Asks and escalations on PostgreSQL. "Once" is kept by single statements, so it holds across instances:
 * creating is an insert that does nothing on a taken id or card (ON CONFLICT DO NOTHING, as SQLite's INSERT
 * OR IGNORE), placing an update that finds nothing once a board is noted.
 */
export class PgAskStore implements AskStore {
  constructor(private readonly db: PgDatabase) {}

  async createAsk(a: AskRecord): Promise<boolean> {
    const inserted = await this.db.run(
      `INSERT INTO series_asks (${ASK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT DO NOTHING`,
      [
        a.id,
        a.fromSeries,
        a.fromBoard,
        a.fromCard,
        a.toSeries,
        a.asker,
        a.addressee,
        a.what,
        a.byWhen,
        a.status,
        a.reason,
        a.createdAt,
        a.answeredAt,
        a.answerSeq,
        a.placedBoard,
        a.shownStatus,
        a.shownBoard,
      ],
    );
    return inserted === 1;
  }

  async getAsk(id: string): Promise<AskRecord | null> {
    const row = await this.db.one<AskRow>(`SELECT ${ASK_COLUMNS} FROM series_asks WHERE id = $1`, [id]);
    return row ? fromAsk(row) : null;
  }

  async asksFrom(seriesId: string): Promise<AskRecord[]> {
    return (await this.db.rows<AskRow>(`SELECT ${ASK_COLUMNS} FROM series_asks WHERE from_series = $1 ${ORDER}`, [seriesId])).map(fromAsk);
  }

  async asksTo(seriesId: string): Promise<AskRecord[]> {
    return (await this.db.rows<AskRow>(`SELECT ${ASK_COLUMNS} FROM series_asks WHERE to_series = $1 ${ORDER}`, [seriesId])).map(fromAsk);
  }

  async placeAsk(id: string, boardId: string): Promise<boolean> {
    return (await this.db.run('UPDATE series_asks SET placed_board = $1 WHERE id = $2 AND placed_board IS NULL', [boardId, id])) === 1;
  }

  async answerAsk(id: string, answer: { status: NeedStatus; reason: string; at: number; seq: number }): Promise<void> {
    // The first answer's time is kept by the statement itself, so two answers at once cannot both set it.
    await this.db.run(
      `UPDATE series_asks SET status = $1, reason = $2, answer_seq = $3,
         answered_at = COALESCE(answered_at, CASE WHEN $4::boolean THEN $5::bigint END)
       WHERE id = $6`,
      [answer.status, answer.reason, answer.seq, answer.status !== 'open', answer.at, id],
    );
  }

  async showAnswer(id: string, status: NeedStatus, boardId: string): Promise<void> {
    await this.db.run('UPDATE series_asks SET shown_status = $1, shown_board = $2 WHERE id = $3', [status, boardId, id]);
  }

  async createEscalation(e: EscalationRecord): Promise<boolean> {
    const inserted = await this.db.run(
      `INSERT INTO series_escalations (${ESCALATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [e.id, e.fromSeries, e.fromBoard, e.fromCard, e.toSeries, e.problem, JSON.stringify(e.proposals), JSON.stringify(e.history), e.createdAt, e.placedBoard],
    );
    return inserted === 1;
  }

  async escalationsFrom(seriesId: string): Promise<EscalationRecord[]> {
    return (await this.db.rows<EscalationRow>(`SELECT ${ESCALATION_COLUMNS} FROM series_escalations WHERE from_series = $1 ${ORDER}`, [seriesId])).map(
      fromEscalation,
    );
  }

  async escalationsTo(seriesId: string): Promise<EscalationRecord[]> {
    return (await this.db.rows<EscalationRow>(`SELECT ${ESCALATION_COLUMNS} FROM series_escalations WHERE to_series = $1 ${ORDER}`, [seriesId])).map(
      fromEscalation,
    );
  }

  async placeEscalation(id: string, boardId: string): Promise<boolean> {
    return (await this.db.run('UPDATE series_escalations SET placed_board = $1 WHERE id = $2 AND placed_board IS NULL', [boardId, id])) === 1;
  }

  async forgetBoard(boardId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('UPDATE series_asks SET placed_board = NULL WHERE placed_board = $1', [boardId]);
      await tx.run('UPDATE series_asks SET shown_status = NULL, shown_board = NULL WHERE shown_board = $1', [boardId]);
      await tx.run('UPDATE series_escalations SET placed_board = NULL WHERE placed_board = $1', [boardId]);
    });
  }
}
