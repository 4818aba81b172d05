import type { AuditEntry } from '../../shared/history-schemas.js';
import { fromRow, type AuditRow } from './audit-rows.js';
import type { AuditFilter, AuditStore, NewAuditEntry } from './audit-store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { likeEscape } from './sqlite-like.js';

/** The audit trail in the `audit_log` table, indexed by board and time. */
export class SqliteAuditStore implements AuditStore {
  readonly #db: SqliteDatabase;
  readonly #insertAll: (boardId: string, entries: readonly NewAuditEntry[]) => void;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    const insert = db.prepare('INSERT INTO audit_log (board_id, at, actor, role, action, card_id, field, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.#insertAll = db.transaction((boardId: string, entries: readonly NewAuditEntry[]) => {
      for (const e of entries) insert.run(boardId, e.at, e.actor, e.role, e.action, e.cardId, e.field, e.summary);
    });
  }

  async append(boardId: string, entries: readonly NewAuditEntry[]): Promise<void> {
    if (entries.length) this.#insertAll(boardId, entries);
  }

  /** `limit + 1` rows are read to tell whether another page follows. */
  async query(boardId: string, f: AuditFilter): Promise<{ entries: AuditEntry[]; more: boolean }> {
    const where = ['board_id = ?'];
    const args: unknown[] = [boardId];
    if (f.actor !== undefined) {
      where.push('actor = ? COLLATE NOCASE');
      args.push(f.actor);
    }
    if (f.action !== undefined) {
      where.push('action = ?');
      args.push(f.action);
    }
    if (f.from !== undefined) {
      where.push('at >= ?');
      args.push(f.from);
    }
    if (f.to !== undefined) {
      where.push('at <= ?');
      args.push(f.to);
    }
    if (f.q !== undefined) {
      where.push("summary LIKE ? ESCAPE '\\'");
      args.push(`%${likeEscape(f.q)}%`);
    }
    if (f.before !== undefined) {
      where.push('id < ?');
      args.push(f.before);
    }
    // Only fixed SQL fragments are joined; every value is a bound parameter.
    const rows = this.#db
      .prepare<unknown[], AuditRow>(
        `SELECT id, at, actor, role, action, card_id, field, summary FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
      )
      .all(...args, f.limit + 1);
    const more = rows.length > f.limit;
    return { entries: rows.slice(0, f.limit).map(fromRow), more };
  }
}
