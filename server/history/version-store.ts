/**
 * Named versions of a board in the `board_versions` table (shared with the meeting module, which writes
 * "Meeting ended" there): a name, who saved it, when, and the whole document state. Rows go with the board.
 */
import type Database from 'better-sqlite3';
import { randomId } from '../../shared/ids.js';
import type { VersionInfo } from '../../shared/history-schemas.js';

export interface StoredVersion extends VersionInfo {
  /** The document state (`Y.encodeStateAsUpdate`). */
  data: Uint8Array;
}

interface Row {
  id: string;
  name: string;
  created_at: number;
  created_by: string;
}

export class SqliteVersionStore {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      insert: db.prepare('INSERT INTO board_versions (id, board_id, name, created_at, data, created_by) VALUES (?, ?, ?, ?, ?, ?)'),
      // rowid breaks ties of versions saved in the same millisecond (e.g. "Before restore" and a restore).
      list: db.prepare<[string], Row>(
        'SELECT id, name, created_at, created_by FROM board_versions WHERE board_id = ? ORDER BY created_at DESC, rowid DESC',
      ),
      get: db.prepare<[string, string], Row & { data: Buffer }>(
        'SELECT id, name, created_at, created_by, data FROM board_versions WHERE board_id = ? AND id = ?',
      ),
      all: db.prepare<[string], Row & { data: Buffer }>(
        'SELECT id, name, created_at, created_by, data FROM board_versions WHERE board_id = ? ORDER BY created_at, rowid',
      ),
      search: db.prepare<[string, string, number], Row>(
        `SELECT id, name, created_at, created_by FROM board_versions WHERE board_id = ? AND name LIKE ? ESCAPE '\\'
         ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      ),
    };
  }

  save(boardId: string, v: { name: string; by: string; data: Uint8Array; createdAt: number }): VersionInfo {
    const id = randomId(12);
    this.#stmt.insert.run(id, boardId, v.name, v.createdAt, v.data, v.by);
    return { id, name: v.name, createdAt: v.createdAt, by: v.by };
  }

  /** Newest first, without the documents. */
  list(boardId: string): VersionInfo[] {
    return this.#stmt.list.all(boardId).map(info);
  }

  get(boardId: string, id: string): StoredVersion | null {
    const row = this.#stmt.get.get(boardId, id);
    return row ? { ...info(row), data: new Uint8Array(row.data) } : null;
  }

  /** Every version with its document, oldest first (for export). */
  all(boardId: string): StoredVersion[] {
    return this.#stmt.all.all(boardId).map((row) => ({ ...info(row), data: new Uint8Array(row.data) }));
  }

  /** Versions whose name contains `q` (case-insensitive for ASCII), newest first. */
  search(boardId: string, q: string, limit: number): VersionInfo[] {
    return this.#stmt.search.all(boardId, `%${likeEscape(q)}%`, limit).map(info);
  }
}

const info = (r: Row): VersionInfo => ({ id: r.id, name: r.name, createdAt: r.created_at, by: r.created_by });

/** Escapes `%`, `_` and the escape character itself for `LIKE … ESCAPE '\'`. */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, '\\$&');
