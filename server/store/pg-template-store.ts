import type { TemplateSummary } from '../../shared/templates.js';
import type { PgDatabase } from './pg-database.js';
import { fromRow, fromSummary, SUMMARY_COLUMNS, templateValues, type SummaryRow, type TemplateRow } from './template-rows.js';
import type { SavedTemplate, SaveResult, TemplateScope, TemplateStore } from './template-store.js';

// title = '' marks a row SQLite's migration could not read; none is written here, the filter keeps the engines alike.
// COLLATE "C": ids compared byte by byte, as SQLite compares text, whatever the database's locale.
const ORDER = `AND title <> '' ORDER BY created_at DESC, id COLLATE "C"`;

/** Saved templates on PostgreSQL: the template as JSON, validated again when read, and its summary in columns. */
export class PgTemplateStore implements TemplateStore {
  constructor(private readonly db: PgDatabase) {}

  async save(entry: SavedTemplate, { maxPerBoard }: { maxPerBoard: number }): Promise<SaveResult> {
    const { sourceBoardId } = entry;
    return this.db.transaction(async (tx): Promise<SaveResult> => {
      if (sourceBoardId !== null) {
        // Count and insert under a lock on the source board's templates: instances saving from the same board at
        // the same moment would otherwise each count without the other's row and pass the bound together. An
        // advisory lock, not the board's row: a template's source board may be gone.
        await tx.run(`SELECT pg_advisory_xact_lock(hashtext('board_templates'), hashtext($1))`, [sourceBoardId]);
        const n = (await tx.one<{ n: number }>('SELECT COUNT(*) AS n FROM board_templates WHERE source_board_id = $1', [sourceBoardId]))!.n;
        if (n >= maxPerBoard) return { ok: false, reason: 'board_full' };
      }
      await tx.run(
        `INSERT INTO board_templates (id, name, description, title, purpose, agenda_count, needs_count, challenges_count, minutes, data, source_board_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        templateValues(entry),
      );
      return { ok: true };
    });
  }

  async get(id: string): Promise<SavedTemplate | null> {
    const row = await this.db.one<TemplateRow>('SELECT id, data, source_board_id, created_at FROM board_templates WHERE id = $1', [id]);
    return row ? fromRow(row) : null;
  }

  async list(scope: TemplateScope): Promise<TemplateSummary[]> {
    let rows: SummaryRow[];
    if (scope.kind === 'ids') {
      rows = scope.ids.length
        ? await this.db.rows<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM board_templates WHERE id = ANY($1::text[]) ${ORDER}`, [scope.ids])
        : [];
    } else {
      rows = await this.db.rows<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM board_templates WHERE source_board_id = $1 ${ORDER}`, [scope.boardId]);
    }
    return rows.map(fromSummary);
  }
}
