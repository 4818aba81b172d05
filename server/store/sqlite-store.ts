import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { BoardRecord, Store, StoredDocument, UpdateEntry } from './store.js';
import { migrate } from './sqlite-migrations.js';

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #stmt;

  /** Opens (creating if needed) `meshboard.sqlite` in `dataDir`. */
  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.#db = new Database(path.join(dataDir, 'meshboard.sqlite'));
    this.#db.pragma('journal_mode = WAL');
    // FULL: a committed append survives power loss, not only a process crash. Appends are batched per
    // tick into one transaction, so the fsync cost is paid once per batch.
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    migrate(this.#db);
    const db = this.#db;
    this.#stmt = {
      insertBoard: db.prepare('INSERT INTO boards (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      getBoard: db.prepare<[string], { id: string; title: string; created_at: number; updated_at: number }>(
        'SELECT id, title, created_at, updated_at FROM boards WHERE id = ?',
      ),
      rename: db.prepare('UPDATE boards SET title = ?, updated_at = ? WHERE id = ?'),
      deleteBoard: db.prepare('DELETE FROM boards WHERE id = ?'),
      getSnapshot: db.prepare<[string], { data: Buffer; seq: number }>('SELECT data, seq FROM snapshots WHERE board_id = ?'),
      getUpdates: db.prepare<[string, number], { seq: number; data: Buffer }>(
        'SELECT seq, data FROM updates WHERE board_id = ? AND seq > ? ORDER BY seq',
      ),
      insertUpdate: db.prepare('INSERT INTO updates (board_id, data) VALUES (?, ?)'),
      upsertSnapshot: db.prepare(
        `INSERT INTO snapshots (board_id, data, seq, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(board_id) DO UPDATE SET data = excluded.data, seq = excluded.seq, updated_at = excluded.updated_at`,
      ),
      trimLog: db.prepare('DELETE FROM updates WHERE board_id = ? AND seq <= ?'),
      logLength: db.prepare<[string, string], { n: number }>(
        'SELECT COUNT(*) AS n FROM updates WHERE board_id = ? AND seq > COALESCE((SELECT seq FROM snapshots WHERE board_id = ?), 0)',
      ),
    };
  }

  /** The open database, for stores of other concerns that share the file (action items, tokens). */
  get db(): Database.Database {
    return this.#db;
  }

  async createBoard(record: BoardRecord, snapshot: Uint8Array): Promise<void> {
    this.#db.transaction(() => {
      this.#stmt.insertBoard.run(record.id, record.title, record.createdAt, record.updatedAt);
      this.#stmt.upsertSnapshot.run(record.id, snapshot, 0, record.createdAt);
    })();
  }

  async getBoard(id: string): Promise<BoardRecord | null> {
    const row = this.#stmt.getBoard.get(id);
    return row ? { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at } : null;
  }

  async renameBoard(id: string, title: string, updatedAt: number): Promise<void> {
    this.#stmt.rename.run(title, updatedAt, id);
  }

  async deleteBoard(id: string): Promise<boolean> {
    return this.#stmt.deleteBoard.run(id).changes > 0;
  }

  async loadDocument(id: string): Promise<StoredDocument> {
    // One read transaction, so a compaction cannot slip between reading the snapshot and the log.
    return this.#db.transaction(() => {
      const snap = this.#stmt.getSnapshot.get(id);
      const rows = this.#stmt.getUpdates.all(id, snap?.seq ?? 0);
      return {
        snapshot: snap ? new Uint8Array(snap.data) : null,
        updates: rows.map((r) => new Uint8Array(r.data)),
        lastSeq: rows.length ? rows[rows.length - 1].seq : (snap?.seq ?? 0),
      };
    })();
  }

  async appendUpdates(entries: readonly UpdateEntry[]): Promise<number[]> {
    return this.#db.transaction(() =>
      entries.map((e) => Number(this.#stmt.insertUpdate.run(e.boardId, e.update).lastInsertRowid)),
    )();
  }

  async compact(id: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    this.#db.transaction(() => {
      this.#stmt.upsertSnapshot.run(id, snapshot, upToSeq, Date.now());
      this.#stmt.trimLog.run(id, upToSeq);
    })();
  }

  async logLength(id: string): Promise<number> {
    return this.#stmt.logLength.get(id, id)?.n ?? 0;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
