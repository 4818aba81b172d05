/**
 * Board access tokens: 256 random bits each, given out once in the role links and stored only as a
 * SHA-256 hash. A presented token is hashed and compared to every role's hash in constant time.
 */
import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import { ROLES, type Role } from '../../shared/roles.js';

export const newToken = (): string => crypto.randomBytes(32).toString('base64url');
const hash = (token: string): Buffer => crypto.createHash('sha256').update(token, 'utf8').digest();

/** Tokens are base64url of 32 bytes: 43 characters. Anything else is refused before hashing. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface TokenStore {
  /** Creates one fresh token per role for a new board and returns them (the only time they are readable). */
  issue(boardId: string): Promise<Record<Role, string>>;
  /** The role a token grants on a board, or null. */
  resolve(boardId: string, token: string): Promise<Role | null>;
  /** Replaces a role's token; the old one stops working at once. */
  rotate(boardId: string, role: Role): Promise<string>;
}

export class SqliteTokenStore implements TokenStore {
  readonly #stmt;

  constructor(db: Database.Database) {
    this.#stmt = {
      upsert: db.prepare(
        `INSERT INTO board_tokens (board_id, role, token_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(board_id, role) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
      ),
      forBoard: db.prepare<[string], { role: Role; token_hash: Buffer }>('SELECT role, token_hash FROM board_tokens WHERE board_id = ?'),
    };
    this.issueAll = db.transaction((boardId: string, tokens: Record<Role, string>) => {
      for (const role of ROLES) this.#stmt.upsert.run(boardId, role, hash(tokens[role]), Date.now());
    });
  }

  private readonly issueAll: (boardId: string, tokens: Record<Role, string>) => void;

  async issue(boardId: string): Promise<Record<Role, string>> {
    const tokens = { viewer: newToken(), participant: newToken(), facilitator: newToken() };
    this.issueAll(boardId, tokens);
    return tokens;
  }

  async resolve(boardId: string, token: string): Promise<Role | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const presented = hash(token);
    let found: Role | null = null;
    // Compare against every row, whatever matches, so timing says nothing about which role (if any) matched.
    for (const row of this.#stmt.forBoard.all(boardId)) {
      if (row.token_hash.length === presented.length && crypto.timingSafeEqual(row.token_hash, presented)) found = row.role;
    }
    return found;
  }

  async rotate(boardId: string, role: Role): Promise<string> {
    const token = newToken();
    this.#stmt.upsert.run(boardId, role, hash(token), Date.now());
    return token;
  }
}
