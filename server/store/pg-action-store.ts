import { actionValues, fromRow, type ActionRow } from './action-rows.js';
import { MAX_ATTENDEES, type ActionRecord, type ActionStore } from './action-store.js';
import type { PgDatabase } from './pg-database.js';

const COLUMNS =
  'board_id, id, kind, card_id, column_id, card_title, decision_id, text, owners, due, due_text, due_flag, board_status, person_status, present, status, decided_by, created_at, updated_at, done_at';

const UPSERT = `INSERT INTO action_items (${COLUMNS}) VALUES (${COLUMNS.split(', ')
  .map((_, i) => `$${i + 1}`)
  .join(', ')})
  ON CONFLICT (board_id, id) DO UPDATE SET kind = excluded.kind, card_id = excluded.card_id, column_id = excluded.column_id,
    card_title = excluded.card_title, decision_id = excluded.decision_id, text = excluded.text, owners = excluded.owners,
    due = excluded.due, due_text = excluded.due_text, due_flag = excluded.due_flag, board_status = excluded.board_status,
    person_status = excluded.person_status, present = excluded.present, status = excluded.status,
    decided_by = excluded.decided_by, updated_at = excluded.updated_at,
    done_at = CASE WHEN excluded.status = 'done' THEN COALESCE(action_items.done_at, excluded.updated_at) END`;

/**
 * Action items, attendees and webhooks on PostgreSQL. Items sharing a creation time keep their insertion
 * order (`ord`), as SQLite's rowid keeps it.
 */
export class PgActionStore implements ActionStore {
  constructor(private readonly db: PgDatabase) {}

  async list(boardId: string): Promise<ActionRecord[]> {
    return (await this.db.rows<ActionRow>(`SELECT ${COLUMNS} FROM action_items WHERE board_id = $1 ORDER BY created_at, ord`, [boardId])).map(fromRow);
  }

  async listScope(boardId: string, cardIds: readonly string[], ids: readonly string[]): Promise<ActionRecord[]> {
    const rows = await this.db.rows<ActionRow>(
      `SELECT ${COLUMNS} FROM action_items WHERE board_id = $1 AND (card_id = ANY($2::text[]) OR id = ANY($3::text[])) ORDER BY created_at, ord`,
      [boardId, cardIds, ids],
    );
    return rows.map(fromRow);
  }

  async get(boardId: string, id: string): Promise<ActionRecord | null> {
    const row = await this.db.one<ActionRow>(`SELECT ${COLUMNS} FROM action_items WHERE board_id = $1 AND id = $2`, [boardId, id]);
    return row ? fromRow(row) : null;
  }

  async findById(id: string): Promise<ActionRecord[]> {
    return (await this.db.rows<ActionRow>(`SELECT ${COLUMNS} FROM action_items WHERE id = $1 ORDER BY ord`, [id])).map(fromRow);
  }

  async upsert(records: readonly ActionRecord[]): Promise<void> {
    if (records.length === 0) return;
    // One statement per record, not one for the batch: a batch may name the same item twice, and the later wins.
    // The done time is kept by the statement itself (COALESCE on the row), so concurrent upserts cannot lose it.
    await this.db.transaction(async (tx) => {
      for (const r of records) {
        await tx.run(UPSERT, actionValues(r, r.present));
      }
    });
  }

  async addAttendees(boardId: string, names: readonly string[], at: number): Promise<void> {
    if (names.length === 0) return;
    await this.db.transaction(async (tx) => {
      // The bound counts the board's rows and then inserts: without a lock, two instances adding names at the
      // same moment would each count the other's rows as absent and pass MAX_ATTENDEES together. The board's
      // row serialises them (NO KEY UPDATE: inserts elsewhere that only reference the board are not held up).
      await tx.run('SELECT 1 FROM boards WHERE id = $1 FOR NO KEY UPDATE', [boardId]);
      for (const name of names) {
        // A known name is refreshed; a new one is added only while the board has fewer than MAX_ATTENDEES.
        await tx.run(
          `INSERT INTO board_attendees (board_id, name, first_seen, last_seen)
           SELECT $1, $2, $3, $3 WHERE (SELECT COUNT(*) FROM board_attendees WHERE board_id = $1) < ${MAX_ATTENDEES}
              OR EXISTS (SELECT 1 FROM board_attendees WHERE board_id = $1 AND name = $2)
           ON CONFLICT (board_id, name) DO UPDATE SET last_seen = excluded.last_seen`,
          [boardId, name, at],
        );
      }
    });
  }

  async attendees(boardId: string): Promise<string[]> {
    // COLLATE "C": byte order, as SQLite compares text, whatever the database's locale.
    const rows = await this.db.rows<{ name: string }>('SELECT name FROM board_attendees WHERE board_id = $1 ORDER BY first_seen, name COLLATE "C"', [boardId]);
    return rows.map((r) => r.name);
  }

  async setWebhook(boardId: string, url: string | null, at: number): Promise<void> {
    if (url === null) {
      await this.db.run('DELETE FROM board_webhooks WHERE board_id = $1', [boardId]);
      return;
    }
    await this.db.run(
      `INSERT INTO board_webhooks (board_id, url, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (board_id) DO UPDATE SET url = excluded.url, updated_at = excluded.updated_at`,
      [boardId, url, at],
    );
  }

  async webhook(boardId: string): Promise<string | null> {
    return (await this.db.one<{ url: string }>('SELECT url FROM board_webhooks WHERE board_id = $1', [boardId]))?.url ?? null;
  }
}
