import { randomId } from '../../shared/ids.js';
import type { VersionInfo } from '../../shared/history-schemas.js';
import { info, type VersionRow } from './version-rows.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { likeEscape } from './sqlite-like.js';
import { SERVER_AUTHOR, VersionQuotaError, type StoredVersion, type VersionQuota, type VersionStore } from './version-store.js';

/** Named versions in the `board_versions` table (the meeting module writes "Meeting ended" there too). */
export class SqliteVersionStore implements VersionStore {
  readonly #stmt;
  readonly #save: (boardId: string, id: string, v: { name: string; by: string; data: Uint8Array; createdAt: number }) => void;

  constructor(
    db: SqliteDatabase,
    private readonly quota: VersionQuota = { maxCount: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER },
  ) {
    this.#stmt = {
      insert: db.prepare('INSERT INTO board_versions (id, board_id, name, created_at, data, created_by) VALUES (?, ?, ?, ?, ?, ?)'),
      // rowid breaks ties of versions saved in the same millisecond (e.g. "Before restore" and a restore).
      list: db.prepare<[string], VersionRow>(
        'SELECT id, name, created_at, created_by FROM board_versions WHERE board_id = ? ORDER BY created_at DESC, rowid DESC',
      ),
      get: db.prepare<[string, string], VersionRow & { data: Buffer }>(
        'SELECT id, name, created_at, created_by, data FROM board_versions WHERE board_id = ? AND id = ?',
      ),
      all: db.prepare<[string], VersionRow & { data: Buffer }>(
        'SELECT id, name, created_at, created_by, data FROM board_versions WHERE board_id = ? ORDER BY created_at, rowid',
      ),
      usage: db.prepare<[string], { n: number; bytes: number | null }>(
        'SELECT COUNT(*) AS n, SUM(LENGTH(data)) AS bytes FROM board_versions WHERE board_id = ?',
      ),
      oldestAutomatic: db.prepare<[string, string, string], { id: string }>(
        'SELECT id FROM board_versions WHERE board_id = ? AND created_by = ? AND id != ? ORDER BY created_at, rowid LIMIT 1',
      ),
      delete: db.prepare('DELETE FROM board_versions WHERE board_id = ? AND id = ?'),
      search: db.prepare<[string, string, number], VersionRow>(
        `SELECT id, name, created_at, created_by FROM board_versions WHERE board_id = ? AND name LIKE ? ESCAPE '\\'
         ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      ),
    };
    this.#save = db.transaction((boardId: string, id: string, v: { name: string; by: string; data: Uint8Array; createdAt: number }) => {
      this.#stmt.insert.run(id, boardId, v.name, v.createdAt, v.data, v.by);
      for (;;) {
        const { n, bytes } = this.#stmt.usage.get(boardId)!;
        if (n <= this.quota.maxCount && (bytes ?? 0) <= this.quota.maxBytes) return;
        const oldest = this.#stmt.oldestAutomatic.get(boardId, SERVER_AUTHOR, id);
        if (!oldest) {
          throw new VersionQuotaError(
            `this board keeps at most ${this.quota.maxCount} versions (${Math.round(this.quota.maxBytes / (1024 * 1024))} MB); ` +
              'the ones saved by hand fill it: export the board to keep them elsewhere, or copy it to a new board',
          );
        }
        this.#stmt.delete.run(boardId, oldest.id);
      }
    });
  }

  async save(boardId: string, v: { name: string; by: string; data: Uint8Array; createdAt: number }): Promise<VersionInfo> {
    const id = randomId(12);
    this.#save(boardId, id, v);
    return { id, name: v.name, createdAt: v.createdAt, by: v.by };
  }

  async list(boardId: string): Promise<VersionInfo[]> {
    return this.#stmt.list.all(boardId).map(info);
  }

  async get(boardId: string, id: string): Promise<StoredVersion | null> {
    const row = this.#stmt.get.get(boardId, id);
    return row ? { ...info(row), data: new Uint8Array(row.data) } : null;
  }

  async all(boardId: string): Promise<StoredVersion[]> {
    return this.#stmt.all.all(boardId).map((row) => ({ ...info(row), data: new Uint8Array(row.data) }));
  }

  async search(boardId: string, q: string, limit: number): Promise<VersionInfo[]> {
    return this.#stmt.search.all(boardId, `%${likeEscape(q)}%`, limit).map(info);
  }
}
