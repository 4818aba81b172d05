import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { BoardRecord, Store, StoredDocument, UpdateEntry } from './store.js';
import { migrate } from './sqlite-migrations.js';

/** Longest time a committed write waits for its fsync (power-loss safety); target p99 ≤ 50 ms. */
const GROUP_COMMIT_MS = 10;

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #stmt;
  readonly #walPath: string;
  #walFd: number | null = null;
  #syncTimer: NodeJS.Timeout | null = null;
  #syncing = false;
  #unsynced = false;

  /** Opens (creating if needed) `meshboard.sqlite` in `dataDir`. */
  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'meshboard.sqlite');
    this.#walPath = `${file}-wal`;
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit is written to the log file (so it survives a crash of this process) without
    // waiting for the disk. Power-loss durability comes from the group commit below, off the event loop.
    this.#db.pragma('synchronous = NORMAL');
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
    this.#groupCommit();
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
    const seqs = this.#db.transaction(() =>
      entries.map((e) => Number(this.#stmt.insertUpdate.run(e.boardId, e.update).lastInsertRowid)),
    )();
    this.#groupCommit();
    return seqs;
  }

  /**
   * Group commit: at most every GROUP_COMMIT_MS, everything written to the WAL since the last time is flushed
   * to the disk with one fdatasync on libuv's thread pool, so the event loop never waits for the disk and
   * many batches share one flush. Covers every write on this connection (appends, snapshots, tokens, items).
   */
  #groupCommit(): void {
    this.#unsynced = true;
    if (this.#syncTimer || this.#syncing) return;
    this.#syncTimer = setTimeout(() => this.#syncWal(), GROUP_COMMIT_MS);
    this.#syncTimer.unref();
  }

  #syncWal(): void {
    this.#syncTimer = null;
    if (!this.#unsynced || !this.#db.open) return;
    this.#unsynced = false;
    try {
      this.#walFd ??= fs.openSync(this.#walPath, 'r');
    } catch {
      return; // no WAL file yet: nothing written to flush
    }
    this.#syncing = true;
    fs.fdatasync(this.#walFd, (err) => {
      this.#syncing = false;
      if (err) this.#unsynced = true; // try again with the next round
      if (this.#unsynced) this.#groupCommit();
    });
  }

  async compact(id: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    this.#db.transaction(() => {
      this.#stmt.upsertSnapshot.run(id, snapshot, upToSeq, Date.now());
      this.#stmt.trimLog.run(id, upToSeq);
    })();
    this.#groupCommit();
  }

  async logLength(id: string): Promise<number> {
    return this.#stmt.logLength.get(id, id)?.n ?? 0;
  }

  async close(): Promise<void> {
    if (this.#syncTimer) clearTimeout(this.#syncTimer);
    this.#syncTimer = null;
    // Closing checkpoints the WAL into the database file with a full sync; the WAL descriptor goes first.
    if (this.#walFd !== null) {
      try {
        fs.fdatasyncSync(this.#walFd);
      } catch {
        // the close below syncs what matters
      }
      fs.closeSync(this.#walFd);
      this.#walFd = null;
    }
    if (this.#db.open) this.#db.close();
  }
}
