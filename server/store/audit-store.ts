/**
 * The audit trail: lines appended per board, read back as newest-first pages filtered by actor, action,
 * time and text (SQLite implementation: sqlite-audit-store.ts). Rows go with the board.
 */
import type { AuditAction, AuditEntry } from '../../shared/history-schemas.js';

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface AuditFilter {
  actor?: string;
  action?: AuditAction;
  /** Inclusive, ms. */
  from?: number;
  /** Inclusive, ms. */
  to?: number;
  /** Substring of the summary (case-insensitive for ASCII). */
  q?: string;
  limit: number;
  /** Only rows older than this id (the previous page's last). */
  before?: number;
}

export interface AuditStore {
  /** Appends entries in one transaction. */
  append(boardId: string, entries: readonly NewAuditEntry[]): Promise<void>;
  /** One page, newest first; `more` tells whether another page follows. */
  query(boardId: string, filter: AuditFilter): Promise<{ entries: AuditEntry[]; more: boolean }>;
}
