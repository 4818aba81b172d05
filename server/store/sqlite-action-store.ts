import { actionValues, fromRow, type ActionRow } from './action-rows.js';
import { MAX_ATTENDEES, type ActionRecord, type ActionStore } from './action-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

const COLUMNS =
  'board_id, id, kind, card_id, column_id, card_title, decision_id, text, owners, due, due_text, due_flag, board_status, person_status, present, status, decided_by, created_at, updated_at';
/** Read with the time the item was done, which the store keeps itself (the first time it became done). */
const READ_COLUMNS = `${COLUMNS}, done_at`;

/** Action items, attendees and webhooks in the server's database. */
export class SqliteActionStore implements ActionStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;
  readonly #upsertAll: (records: readonly ActionRecord[]) => void;
  readonly #addAttendees: (boardId: string, names: readonly string[], at: number) => void;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      list: db.prepare<[string], ActionRow>(`SELECT ${READ_COLUMNS} FROM action_items WHERE board_id = ? ORDER BY created_at, rowid`),
      // json_each keeps this one statement whatever the number of ids.
      scope: db.prepare<[string, string, string], ActionRow>(
        `SELECT ${READ_COLUMNS} FROM action_items WHERE board_id = ?
           AND (card_id IN (SELECT value FROM json_each(?)) OR id IN (SELECT value FROM json_each(?)))`,
      ),
      get: db.prepare<[string, string], ActionRow>(`SELECT ${READ_COLUMNS} FROM action_items WHERE board_id = ? AND id = ?`),
      byId: db.prepare<[string], ActionRow>(`SELECT ${READ_COLUMNS} FROM action_items WHERE id = ?`),
      upsert: db.prepare(
        `INSERT INTO action_items (${COLUMNS}, done_at) VALUES (${COLUMNS.split(', ')
          .map(() => '?')
          .join(', ')}, ?)
         ON CONFLICT(board_id, id) DO UPDATE SET kind = excluded.kind, card_id = excluded.card_id, column_id = excluded.column_id,
           card_title = excluded.card_title, decision_id = excluded.decision_id, text = excluded.text, owners = excluded.owners,
           due = excluded.due, due_text = excluded.due_text, due_flag = excluded.due_flag, board_status = excluded.board_status,
           person_status = excluded.person_status, present = excluded.present, status = excluded.status,
           decided_by = excluded.decided_by, updated_at = excluded.updated_at,
           done_at = CASE WHEN excluded.status = 'done' THEN COALESCE(action_items.done_at, excluded.updated_at) END`,
      ),
      // A known name is refreshed; a new one is added only while the board has fewer than MAX_ATTENDEES.
      addAttendee: db.prepare(
        `INSERT INTO board_attendees (board_id, name, first_seen, last_seen)
         SELECT @board, @name, @at, @at WHERE (SELECT COUNT(*) FROM board_attendees WHERE board_id = @board) < ${MAX_ATTENDEES}
            OR EXISTS (SELECT 1 FROM board_attendees WHERE board_id = @board AND name = @name)
         ON CONFLICT(board_id, name) DO UPDATE SET last_seen = excluded.last_seen`,
      ),
      attendees: db.prepare<[string], { name: string }>('SELECT name FROM board_attendees WHERE board_id = ? ORDER BY first_seen, name'),
      setWebhook: db.prepare(
        `INSERT INTO board_webhooks (board_id, url, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(board_id) DO UPDATE SET url = excluded.url, updated_at = excluded.updated_at`,
      ),
      deleteWebhook: db.prepare('DELETE FROM board_webhooks WHERE board_id = ?'),
      webhook: db.prepare<[string], { url: string }>('SELECT url FROM board_webhooks WHERE board_id = ?'),
    };
    this.#upsertAll = db.transaction((records: readonly ActionRecord[]) => {
      for (const r of records) {
        this.#stmt.upsert.run(...actionValues(r, r.present ? 1 : 0));
      }
    });
    this.#addAttendees = db.transaction((boardId: string, names: readonly string[], at: number) => {
      for (const name of names) this.#stmt.addAttendee.run({ board: boardId, name, at });
    });
  }

  async list(boardId: string): Promise<ActionRecord[]> {
    return this.#stmt.list.all(boardId).map(fromRow);
  }

  async listScope(boardId: string, cardIds: readonly string[], ids: readonly string[]): Promise<ActionRecord[]> {
    return this.#stmt.scope.all(boardId, JSON.stringify(cardIds), JSON.stringify(ids)).map(fromRow);
  }

  async get(boardId: string, id: string): Promise<ActionRecord | null> {
    const row = this.#stmt.get.get(boardId, id);
    return row ? fromRow(row) : null;
  }

  async findById(id: string): Promise<ActionRecord[]> {
    return this.#stmt.byId.all(id).map(fromRow);
  }

  async upsert(records: readonly ActionRecord[]): Promise<void> {
    if (records.length > 0) this.#upsertAll(records);
  }

  async addAttendees(boardId: string, names: readonly string[], at: number): Promise<void> {
    if (names.length > 0) this.#addAttendees(boardId, names, at);
  }

  async attendees(boardId: string): Promise<string[]> {
    return this.#stmt.attendees.all(boardId).map((r) => r.name);
  }

  async setWebhook(boardId: string, url: string | null, at: number): Promise<void> {
    this.#db.write(() => (url === null ? this.#stmt.deleteWebhook.run(boardId) : this.#stmt.setWebhook.run(boardId, url, at)));
  }

  async webhook(boardId: string): Promise<string | null> {
    return this.#stmt.webhook.get(boardId)?.url ?? null;
  }
}
