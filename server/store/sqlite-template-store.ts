import type { TemplateSummary } from '../../shared/templates.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { fromRow, fromSummary, SUMMARY_COLUMNS, templateValues, type SummaryRow, type TemplateRow } from './template-rows.js';
import type { SavedTemplate, SaveResult, TemplateScope, TemplateStore } from './template-store.js';

// title = '' marks a row whose JSON could not be read when it was migrated (see 007-template-scope).
const ORDER = `AND title <> '' ORDER BY created_at DESC, id`;

/**
 * Saved templates in `board_templates`: each row holds the template as JSON, validated again when read to
 * start a board, and its summary in columns, so lists never read or parse the JSON.
 */
export class SqliteTemplateStore implements TemplateStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      insert: db.prepare(
        `INSERT INTO board_templates (id, name, description, title, purpose, agenda_count, needs_count, challenges_count, minutes, data, source_board_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      countFromBoard: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM board_templates WHERE source_board_id = ?'),
      get: db.prepare<[string], TemplateRow>('SELECT id, data, source_board_id, created_at FROM board_templates WHERE id = ?'),
      // json_each keeps this one statement whatever the number of ids.
      listIds: db.prepare<[string], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM board_templates WHERE id IN (SELECT value FROM json_each(?)) ${ORDER}`),
      listBoard: db.prepare<[string], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM board_templates WHERE source_board_id = ? ${ORDER}`),
    };
  }

  async save(entry: SavedTemplate, { maxPerBoard }: { maxPerBoard: number }): Promise<SaveResult> {
    const { sourceBoardId } = entry;
    // Count and insert in one transaction, so saves at the same moment cannot pass the bound together.
    return this.#db.write((): SaveResult => {
      if (sourceBoardId !== null && this.#stmt.countFromBoard.get(sourceBoardId)!.n >= maxPerBoard) return { ok: false, reason: 'board_full' };
      this.#stmt.insert.run(...templateValues(entry));
      return { ok: true };
    });
  }

  async get(id: string): Promise<SavedTemplate | null> {
    const row = this.#stmt.get.get(id);
    return row ? fromRow(row) : null;
  }

  async list(scope: TemplateScope): Promise<TemplateSummary[]> {
    const rows = scope.kind === 'ids' ? (scope.ids.length ? this.#stmt.listIds.all(JSON.stringify(scope.ids)) : []) : this.#stmt.listBoard.all(scope.boardId);
    return rows.map(fromSummary);
  }
}
