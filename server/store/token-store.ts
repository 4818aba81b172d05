/**
 * Board access tokens per role, stored only as hashes (see server/auth/tokens.ts); SQLite implementation:
 * sqlite-token-store.ts. Rows go with the board.
 */
import type { Role } from '../../shared/roles.js';

export interface TokenStore {
  /** Creates one fresh token per role for a new board and returns them (the only time they are readable). */
  issue(boardId: string): Promise<Record<Role, string>>;
  /** The role a token grants on a board, or null. */
  resolve(boardId: string, token: string): Promise<Role | null>;
  /** Replaces a role's token; the old one stops working at once. */
  rotate(boardId: string, role: Role): Promise<string>;
}
