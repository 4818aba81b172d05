/**
 * Named versions of a board: a name, who saved it, when, and the whole document state (SQLite
 * implementation: sqlite-version-store.ts). Rows go with the board.
 */
import type { VersionInfo } from '../../shared/history-schemas.js';

export interface StoredVersion extends VersionInfo {
  /** The document state (`Y.encodeStateAsUpdate`). */
  data: Uint8Array;
}

/** How many versions a board keeps, and their total size; the oldest automatic ones go first. */
export interface VersionQuota {
  maxCount: number;
  maxBytes: number;
}

/** The versions of a board are at their quota and no automatic one is left to make room. */
export class VersionQuotaError extends Error {
  override readonly name = 'VersionQuotaError';
}

/** Who saves the versions the server makes by itself (autosave, meeting start and end, agenda item done). */
export const SERVER_AUTHOR = 'server';

export interface VersionStore {
  /**
   * Saves a version. Past the quota the oldest automatic versions (saved by SERVER_AUTHOR) are deleted to
   * make room; when none is left to delete, nothing is saved and VersionQuotaError is thrown.
   */
  save(boardId: string, v: { name: string; by: string; data: Uint8Array; createdAt: number }): Promise<VersionInfo>;
  /** Newest first, without the documents. */
  list(boardId: string): Promise<VersionInfo[]>;
  get(boardId: string, id: string): Promise<StoredVersion | null>;
  /** Every version with its document, oldest first (for export). */
  all(boardId: string): Promise<StoredVersion[]>;
  /** Versions whose name contains `q` (case-insensitive for ASCII), newest first, at most `limit`. */
  search(boardId: string, q: string, limit: number): Promise<VersionInfo[]>;
}
