import type { AuditEntry } from '../../shared/history-schemas.js';
import { fromRow, type AuditRow } from './audit-rows.js';
import type { AuditFilter, AuditStore, NewAuditEntry } from './audit-store.js';
import type { PgDatabase } from './pg-database.js';
import { likeEscape } from './sqlite-like.js';

/** The audit trail in the `audit_log` table, on PostgreSQL. */
export class PgAuditStore implements AuditStore {
  constructor(private readonly db: PgDatabase) {}

  async append(boardId: string, entries: readonly NewAuditEntry[]): Promise<void> {
    if (!entries.length) return;
    // One statement, in order: the identity column numbers the lines as they were queued.
    await this.db.run(
      `INSERT INTO audit_log (board_id, at, actor, role, action, card_id, field, summary)
         SELECT $1, at, actor, role, action, card_id, field, summary
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           WITH ORDINALITY AS e(at, actor, role, action, card_id, field, summary, ord)
         ORDER BY ord`,
      [
        boardId,
        entries.map((e) => e.at),
        entries.map((e) => e.actor),
        entries.map((e) => e.role),
        entries.map((e) => e.action),
        entries.map((e) => e.cardId),
        entries.map((e) => e.field),
        entries.map((e) => e.summary),
      ],
    );
  }

  /** `limit + 1` rows are read to tell whether another page follows. */
  async query(boardId: string, f: AuditFilter): Promise<{ entries: AuditEntry[]; more: boolean }> {
    const args: unknown[] = [boardId];
    const where = ['board_id = $1'];
    const arg = (v: unknown) => `$${args.push(v)}`;
    // lower() under the C collation folds ASCII only, as SQLite's NOCASE and LIKE do.
    if (f.actor !== undefined) where.push(`lower(actor COLLATE "C") = lower(${arg(f.actor)} COLLATE "C")`);
    if (f.action !== undefined) where.push(`action = ${arg(f.action)}`);
    if (f.from !== undefined) where.push(`at >= ${arg(f.from)}`);
    if (f.to !== undefined) where.push(`at <= ${arg(f.to)}`);
    if (f.q !== undefined) where.push(`lower(summary COLLATE "C") LIKE lower(${arg(`%${likeEscape(f.q)}%`)} COLLATE "C") ESCAPE '\\'`);
    if (f.before !== undefined) where.push(`id < ${arg(f.before)}`);
    // Only fixed SQL fragments are joined; every value is a bound parameter.
    const rows = await this.db.rows<AuditRow>(
      `SELECT id, at, actor, role, action, card_id, field, summary FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${arg(f.limit + 1)}`,
      args,
    );
    const more = rows.length > f.limit;
    return { entries: rows.slice(0, f.limit).map(fromRow), more };
  }
}
