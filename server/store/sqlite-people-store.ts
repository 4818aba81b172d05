import { hashToken, newToken, rowsMatching } from '../auth/tokens.js';
import type { DropinStatus } from '../../shared/series-people.js';
import { fromRow, type DropinRow } from './people-rows.js';
import type { DropinRecord, PeopleStore } from './people-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** The row `token` opens, or null (see rowsMatching). */
const matchAll = <T extends { token_hash: Buffer }>(rows: T[], token: string): T | null => rowsMatching(rows, token).at(-1) ?? null;

export class SqlitePeopleStore implements PeopleStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      upsertPerson: db.prepare(
        `INSERT INTO series_people_tokens (series_id, name_key, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(series_id, name_key) DO UPDATE SET name = excluded.name, token_hash = excluded.token_hash, created_at = excluded.created_at`,
      ),
      people: db.prepare<[string], { name: string; token_hash: Buffer }>('SELECT name, token_hash FROM series_people_tokens WHERE series_id = ?'),
      upsertDropinToken: db.prepare(
        `INSERT INTO series_dropin_tokens (series_id, token_hash, created_at) VALUES (?, ?, ?)
         ON CONFLICT(series_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
      ),
      dropinToken: db.prepare<[string], { token_hash: Buffer }>('SELECT token_hash FROM series_dropin_tokens WHERE series_id = ?'),
      insert: db.prepare(
        `INSERT INTO series_dropins (id, series_id, kind, text, name, addressee, created_at, status, board_id, card_id, decided_at)
         VALUES (@id, @series_id, @kind, @text, @name, @addressee, @created_at, @status, @board_id, @card_id, @decided_at)`,
      ),
      get: db.prepare<[string, string], DropinRow>('SELECT * FROM series_dropins WHERE series_id = ? AND id = ?'),
      list: db.prepare<[string, string], DropinRow>('SELECT * FROM series_dropins WHERE series_id = ? AND status = ? ORDER BY created_at, rowid'),
      decide: db.prepare(
        `UPDATE series_dropins SET status = @status, board_id = @board_id, card_id = @card_id, decided_at = @at
         WHERE series_id = @series_id AND id = @id AND status = 'pending'`,
      ),
    };
  }

  async rotatePersonToken(seriesId: string, name: string): Promise<string> {
    const token = newToken();
    this.#db.write(() => this.#stmt.upsertPerson.run(seriesId, name.toLowerCase(), name, hashToken(token), Date.now()));
    return token;
  }

  async resolvePerson(seriesId: string, token: string): Promise<string | null> {
    return matchAll(this.#stmt.people.all(seriesId), token)?.name ?? null;
  }

  async rotateDropinToken(seriesId: string): Promise<string> {
    const token = newToken();
    this.#db.write(() => this.#stmt.upsertDropinToken.run(seriesId, hashToken(token), Date.now()));
    return token;
  }

  async isDropinToken(seriesId: string, token: string): Promise<boolean> {
    return matchAll(this.#stmt.dropinToken.all(seriesId), token) !== null;
  }

  async addDropin(r: DropinRecord): Promise<void> {
    this.#db.write(() =>
      this.#stmt.insert.run({
        id: r.id,
        series_id: r.seriesId,
        kind: r.kind,
        text: r.text,
        name: r.name,
        addressee: r.addressee,
        created_at: r.createdAt,
        status: r.status,
        board_id: r.boardId,
        card_id: r.cardId,
        decided_at: r.decidedAt,
      }),
    );
  }

  async getDropin(seriesId: string, id: string): Promise<DropinRecord | null> {
    const row = this.#stmt.get.get(seriesId, id);
    return row ? fromRow(row) : null;
  }

  async listDropins(seriesId: string, status: DropinStatus): Promise<DropinRecord[]> {
    return this.#stmt.list.all(seriesId, status).map(fromRow);
  }

  async decideDropin(
    seriesId: string,
    id: string,
    decision: { status: 'taken'; boardId: string; cardId: string } | { status: 'set_aside' },
    at: number,
  ): Promise<boolean> {
    const info = this.#db.write(() =>
      this.#stmt.decide.run({
        series_id: seriesId,
        id,
        status: decision.status,
        board_id: decision.status === 'taken' ? decision.boardId : null,
        card_id: decision.status === 'taken' ? decision.cardId : null,
        at,
      }),
    );
    return info.changes === 1;
  }
}
