/**
 * Persistence behind one small interface. The SQLite implementation is the embedded default; a PostgreSQL
 * one must pass the same suite (tests/store/). Methods are async so a networked engine fits the same shape.
 *
 * Model: a board is a row plus its document, kept as the last snapshot and the log of updates appended
 * since. Loading = snapshot + log in sequence order. Compaction replaces snapshot and the log prefix it
 * covers in one transaction, so a crash leaves either the old or the new state, never a gap.
 */
export interface BoardRecord {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
}

export interface StoredDocument {
  snapshot: Uint8Array | null;
  /** Updates appended after the snapshot, oldest first. */
  updates: Uint8Array[];
  /** Sequence number of the last update in the log (0 when empty). */
  lastSeq: number;
}

export interface UpdateEntry {
  boardId: string;
  update: Uint8Array;
}

export interface Store {
  /** Creates the board row and its first snapshot atomically. */
  createBoard(record: BoardRecord, snapshot: Uint8Array): Promise<void>;
  getBoard(id: string): Promise<BoardRecord | null>;
  /** Keeps the row's title in step with the document (for listings that do not load documents). */
  renameBoard(id: string, title: string, updatedAt: number): Promise<void>;
  /** Removes the board, its snapshot and its log. */
  deleteBoard(id: string): Promise<boolean>;
  loadDocument(id: string): Promise<StoredDocument>;
  /**
   * Appends updates (any boards) in one durable transaction; resolves with each entry's sequence number
   * once they are on disk. Rejects without storing any of them.
   */
  appendUpdates(entries: readonly UpdateEntry[]): Promise<number[]>;
  /** Replaces the snapshot with `snapshot` and drops log entries with seq ≤ `upToSeq`, atomically. */
  compact(id: string, snapshot: Uint8Array, upToSeq: number): Promise<void>;
  /**
   * Compacts from what is stored instead of from memory: under the board's write lock (no append of this board
   * runs meanwhile), reads the snapshot and the whole log, merges them with `merge` and replaces both. For
   * several instances, where no one instance's memory is known to hold every stored update. Resolves with the
   * new snapshot's size, or null when the board is gone.
   */
  compactStored(id: string, merge: (stored: StoredDocument) => Uint8Array): Promise<{ bytes: number } | null>;
  /** Number of log entries after the snapshot. */
  logLength(id: string): Promise<number>;
  close(): Promise<void>;
}
