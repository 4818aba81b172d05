import type { BoardRecord, Store, StoredDocument, UpdateEntry } from './store.js';
import type { PgDatabase, Queryable } from './pg-database.js';

/** Namespace of the per-board advisory locks (two-key form), so they never meet another lock of ours. */
const BOARD_LOCKS = 0x6d62; // "mb" = 28002, as meshboard_append has it

/** Takes the write locks of these boards until the transaction ends, in one order, so two batches never deadlock. */
async function lockBoards(tx: Queryable, boardIds: readonly string[]): Promise<void> {
  await tx.run('SELECT pg_advisory_xact_lock($1, k) FROM (SELECT DISTINCT hashtext(b) AS k FROM unnest($2::text[]) AS b ORDER BY 1) AS l', [
    BOARD_LOCKS,
    [...new Set(boardIds)],
  ]);
}

/**
 * The board log on PostgreSQL: board rows, snapshots and the update log. Sequence numbers come from one
 * identity column, so they rise with insertion across boards, as SQLite's do.
 */
export class PgStore implements Store {
  constructor(private readonly db: PgDatabase) {}

  async createBoard(record: BoardRecord, snapshot: Uint8Array): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO boards (id, title, created_at, updated_at) VALUES ($1, $2, $3, $4)', [
        record.id,
        record.title,
        record.createdAt,
        record.updatedAt,
      ]);
      await tx.run('INSERT INTO snapshots (board_id, data, seq, updated_at) VALUES ($1, $2, 0, $3)', [record.id, Buffer.from(snapshot), record.createdAt]);
    });
  }

  async getBoard(id: string): Promise<BoardRecord | null> {
    const row = await this.db.one<{ id: string; title: string; created_at: number; updated_at: number }>(
      'SELECT id, title, created_at, updated_at FROM boards WHERE id = $1',
      [id],
    );
    return row ? { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at } : null;
  }

  async renameBoard(id: string, title: string, updatedAt: number): Promise<void> {
    await this.db.run('UPDATE boards SET title = $1, updated_at = $2 WHERE id = $3', [title, updatedAt, id]);
  }

  async deleteBoard(id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM boards WHERE id = $1', [id])) > 0;
  }

  async loadDocument(id: string): Promise<StoredDocument> {
    // One snapshot of the database (REPEATABLE READ), so a compaction cannot slip between the two reads.
    return this.db.transaction(async (tx) => {
      await tx.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const snap = await tx.one<{ data: Buffer; seq: number }>('SELECT data, seq FROM snapshots WHERE board_id = $1', [id]);
      const rows = await tx.rows<{ seq: number; data: Buffer }>('SELECT seq, data FROM updates WHERE board_id = $1 AND seq > $2 ORDER BY seq', [
        id,
        snap?.seq ?? 0,
      ]);
      return {
        snapshot: snap ? new Uint8Array(snap.data) : null,
        updates: rows.map((r) => new Uint8Array(r.data)),
        lastSeq: rows.length ? rows[rows.length - 1].seq : (snap?.seq ?? 0),
      };
    });
  }

  async appendUpdates(entries: readonly UpdateEntry[]): Promise<number[]> {
    if (!entries.length) return [];
    // Sequence numbers are drawn at insert and become visible at commit, so the boards' locks are held until
    // the commit: without them a compaction could read the log between the two and drop an entry with a lower
    // number that commits later. meshboard_append (pg-migrations.ts) takes them and inserts in entry order, in
    // one statement and so in one round trip and one transaction.
    const rows = await this.db.rows<{ seq: number }>('SELECT s AS seq FROM meshboard_append($1::text[], $2::bytea[]) AS s', [
      entries.map((e) => e.boardId),
      entries.map((e) => Buffer.from(e.update)),
    ]);
    return rows.map((r) => r.seq).sort((a, b) => a - b);
  }

  async compactStored(id: string, merge: (stored: StoredDocument) => Uint8Array): Promise<{ bytes: number } | null> {
    return this.db.transaction(async (tx) => {
      await lockBoards(tx, [id]);
      if (!(await tx.one('SELECT 1 FROM boards WHERE id = $1', [id]))) return null;
      const snap = await tx.one<{ data: Buffer; seq: number }>('SELECT data, seq FROM snapshots WHERE board_id = $1', [id]);
      // The whole log, not only what follows the snapshot's seq: whatever is left in it is merged again.
      const rows = await tx.rows<{ seq: number; data: Buffer }>('SELECT seq, data FROM updates WHERE board_id = $1 ORDER BY seq', [id]);
      const lastSeq = rows.length ? rows[rows.length - 1].seq : (snap?.seq ?? 0);
      const snapshot = merge({ snapshot: snap ? new Uint8Array(snap.data) : null, updates: rows.map((r) => new Uint8Array(r.data)), lastSeq });
      await tx.run(
        `INSERT INTO snapshots (board_id, data, seq, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (board_id) DO UPDATE SET data = excluded.data, seq = excluded.seq, updated_at = excluded.updated_at`,
        [id, Buffer.from(snapshot), lastSeq, Date.now()],
      );
      await tx.run('DELETE FROM updates WHERE board_id = $1 AND seq <= $2', [id, lastSeq]);
      return { bytes: snapshot.length };
    });
  }

  async compact(id: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await lockBoards(tx, [id]);
      await tx.run(
        `INSERT INTO snapshots (board_id, data, seq, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (board_id) DO UPDATE SET data = excluded.data, seq = excluded.seq, updated_at = excluded.updated_at`,
        [id, Buffer.from(snapshot), upToSeq, Date.now()],
      );
      await tx.run('DELETE FROM updates WHERE board_id = $1 AND seq <= $2', [id, upToSeq]);
    });
  }

  async logLength(id: string): Promise<number> {
    const row = await this.db.one<{ n: number }>(
      'SELECT COUNT(*)::bigint AS n FROM updates WHERE board_id = $1 AND seq > COALESCE((SELECT seq FROM snapshots WHERE board_id = $1), 0)',
      [id],
    );
    return row?.n ?? 0;
  }

  async close(): Promise<void> {
    // The set's close ends the pool (pg-stores.ts).
  }
}
