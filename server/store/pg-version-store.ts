import { randomId } from '../../shared/ids.js';
import type { VersionInfo } from '../../shared/history-schemas.js';
import { info, type VersionRow } from './version-rows.js';
import type { PgDatabase } from './pg-database.js';
import { likeEscape } from './sqlite-like.js';
import { SERVER_AUTHOR, VersionQuotaError, type StoredVersion, type VersionQuota, type VersionStore } from './version-store.js';

const COLUMNS = 'id, name, created_at, created_by';

/** Named versions in the `board_versions` table, on PostgreSQL. */
export class PgVersionStore implements VersionStore {
  constructor(
    private readonly db: PgDatabase,
    private readonly quota: VersionQuota = { maxCount: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER },
  ) {}

  async save(boardId: string, v: { name: string; by: string; data: Uint8Array; createdAt: number }): Promise<VersionInfo> {
    const id = randomId(12);
    await this.db.transaction(async (tx) => {
      // The board's row locked: two instances saving at once cannot both count themselves under the quota.
      await tx.run('SELECT 1 FROM boards WHERE id = $1 FOR UPDATE', [boardId]);
      await tx.run('INSERT INTO board_versions (id, board_id, name, created_at, data, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [
        id,
        boardId,
        v.name,
        v.createdAt,
        Buffer.from(v.data),
        v.by,
      ]);
      for (;;) {
        const usage = await tx.one<{ n: number; bytes: number | null }>(
          'SELECT COUNT(*)::bigint AS n, SUM(octet_length(data))::bigint AS bytes FROM board_versions WHERE board_id = $1',
          [boardId],
        );
        if (usage!.n <= this.quota.maxCount && (usage!.bytes ?? 0) <= this.quota.maxBytes) return;
        const oldest = await tx.one<{ id: string }>(
          'SELECT id FROM board_versions WHERE board_id = $1 AND created_by = $2 AND id <> $3 ORDER BY created_at, ord LIMIT 1',
          [boardId, SERVER_AUTHOR, id],
        );
        if (!oldest) {
          throw new VersionQuotaError(
            `this board keeps at most ${this.quota.maxCount} versions (${Math.round(this.quota.maxBytes / (1024 * 1024))} MB); ` +
              'the ones saved by hand fill it: export the board to keep them elsewhere, or copy it to a new board',
          );
        }
        await tx.run('DELETE FROM board_versions WHERE board_id = $1 AND id = $2', [boardId, oldest.id]);
      }
    });
    return { id, name: v.name, createdAt: v.createdAt, by: v.by };
  }

  async list(boardId: string): Promise<VersionInfo[]> {
    return (await this.db.rows<VersionRow>(`SELECT ${COLUMNS} FROM board_versions WHERE board_id = $1 ORDER BY created_at DESC, ord DESC`, [boardId])).map(
      info,
    );
  }

  async get(boardId: string, id: string): Promise<StoredVersion | null> {
    const row = await this.db.one<VersionRow & { data: Buffer }>(`SELECT ${COLUMNS}, data FROM board_versions WHERE board_id = $1 AND id = $2`, [boardId, id]);
    return row ? { ...info(row), data: new Uint8Array(row.data) } : null;
  }

  async all(boardId: string): Promise<StoredVersion[]> {
    const rows = await this.db.rows<VersionRow & { data: Buffer }>(`SELECT ${COLUMNS}, data FROM board_versions WHERE board_id = $1 ORDER BY created_at, ord`, [
      boardId,
    ]);
    return rows.map((row) => ({ ...info(row), data: new Uint8Array(row.data) }));
  }

  async search(boardId: string, q: string, limit: number): Promise<VersionInfo[]> {
    // lower() under the C collation folds ASCII only: the same matches as SQLite's LIKE.
    const rows = await this.db.rows<VersionRow>(
      `SELECT ${COLUMNS} FROM board_versions WHERE board_id = $1 AND lower(name COLLATE "C") LIKE lower($2 COLLATE "C") ESCAPE '\\'
       ORDER BY created_at DESC, ord DESC LIMIT $3`,
      [boardId, `%${likeEscape(q)}%`, limit],
    );
    return rows.map(info);
  }
}
