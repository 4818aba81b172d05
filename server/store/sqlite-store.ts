import type { BoardRecord, Store, StoredDocument, UpdateEntry } from './store.js';
import { SqliteDatabase } from './sqlite-database.js';

/** The board log on SQLite: board rows, snapshots and the update log. */
export class SqliteStore implements Store {
  readonly #db: SqliteDatabase;
  readonly #ownsDb: boolean;
  readonly #stmt;
  readonly #createBoard: (record: BoardRecord, snapshot: Uint8Array) => void;
  readonly #append: (entries: readonly UpdateEntry[]) => number[];
  readonly #compact: (id: string, snapshot: Uint8Array, upToSeq: number) => void;

  /**
   * Stands on a shared database (the server's, see sqlite-stores.ts), or opens its own in a data directory
   * (a tool or a test reading one file); `close()` closes only a database it opened.
   */
  constructor(database: SqliteDatabase | string) {
    this.#ownsDb = typeof database === 'string';
    this.#db = typeof database === 'string' ? new SqliteDatabase(database) : database;
    const db = this.#db;
    this.#stmt = {
      insertBoard: db.prepare('INSERT INTO boards (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      getBoard: db.prepare<[string], { id: string; title: string; created_at: number; updated_at: number }>(
        'SELECT id, title, created_at, updated_at FROM boards WHERE id = ?',
      ),
      rename: db.prepare('UPDATE boards SET title = ?, updated_at = ? WHERE id = ?'),
      deleteBoard: db.prepare('DELETE FROM boards WHERE id = ?'),
      getSnapshot: db.prepare<[string], { data: Buffer; seq: number }>('SELECT data, seq FROM snapshots WHERE board_id = ?'),
      getUpdates: db.prepare<[string, number], { seq: number; data: Buffer }>('SELECT seq, data FROM updates WHERE board_id = ? AND seq > ? ORDER BY seq'),
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
    this.#createBoard = db.transaction((record: BoardRecord, snapshot: Uint8Array) => {
      this.#stmt.insertBoard.run(record.id, record.title, record.createdAt, record.updatedAt);
      this.#stmt.upsertSnapshot.run(record.id, snapshot, 0, record.createdAt);
    });
    this.#append = db.transaction((entries: readonly UpdateEntry[]) =>
      entries.map((e) => Number(this.#stmt.insertUpdate.run(e.boardId, e.update).lastInsertRowid)),
    );
    this.#compact = db.transaction((id: string, snapshot: Uint8Array, upToSeq: number) => {
      this.#stmt.upsertSnapshot.run(id, snapshot, upToSeq, Date.now());
      this.#stmt.trimLog.run(id, upToSeq);
    });
  }

  /** The database this store stands on. */
  get db(): SqliteDatabase {
    return this.#db;
  }

  async createBoard(record: BoardRecord, snapshot: Uint8Array): Promise<void> {
    this.#createBoard(record, snapshot);
  }

  async getBoard(id: string): Promise<BoardRecord | null> {
    const row = this.#stmt.getBoard.get(id);
    return row ? { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at } : null;
  }

  async renameBoard(id: string, title: string, updatedAt: number): Promise<void> {
    this.#db.write(() => this.#stmt.rename.run(title, updatedAt, id));
  }

  async deleteBoard(id: string): Promise<boolean> {
    return this.#db.write(() => this.#stmt.deleteBoard.run(id).changes > 0);
  }

  async loadDocument(id: string): Promise<StoredDocument> {
    // One read transaction, so a compaction cannot slip between reading the snapshot and the log.
    return this.#db.read(() => {
      const snap = this.#stmt.getSnapshot.get(id);
      const rows = this.#stmt.getUpdates.all(id, snap?.seq ?? 0);
      return {
        snapshot: snap ? new Uint8Array(snap.data) : null,
        updates: rows.map((r) => new Uint8Array(r.data)),
        lastSeq: rows.length ? rows[rows.length - 1].seq : (snap?.seq ?? 0),
      };
    });
  }

  async appendUpdates(entries: readonly UpdateEntry[]): Promise<number[]> {
    return this.#append(entries);
  }

  async compact(id: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    this.#compact(id, snapshot, upToSeq);
  }

  async compactStored(id: string, merge: (stored: StoredDocument) => Uint8Array): Promise<{ bytes: number } | null> {
    return this.#db.writeImmediate(() => {
      if (!this.#stmt.getBoard.get(id)) return null;
      const snap = this.#stmt.getSnapshot.get(id);
      // The whole log, not only what follows the snapshot's seq: whatever is left in it is merged again.
      const rows = this.#stmt.getUpdates.all(id, 0);
      const lastSeq = rows.length ? rows[rows.length - 1].seq : (snap?.seq ?? 0);
      const snapshot = merge({ snapshot: snap ? new Uint8Array(snap.data) : null, updates: rows.map((r) => new Uint8Array(r.data)), lastSeq });
      this.#stmt.upsertSnapshot.run(id, snapshot, lastSeq, Date.now());
      this.#stmt.trimLog.run(id, lastSeq);
      return { bytes: snapshot.length };
    });
  }

  async logLength(id: string): Promise<number> {
    return this.#stmt.logLength.get(id, id)?.n ?? 0;
  }

  async close(): Promise<void> {
    if (this.#ownsDb) await this.#db.close();
  }
}
