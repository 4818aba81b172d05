import { ROLES, type Role } from '../../shared/roles.js';
import { hashToken, newToken, rowsMatching, TOKEN_PATTERN } from '../auth/tokens.js';
import type { SqliteDatabase } from './sqlite-database.js';
import type { TokenStore } from './token-store.js';

/** Token hashes in `board_tokens`, one per board and role. */
export class SqliteTokenStore implements TokenStore {
  readonly #stmt;
  readonly #upsertAll: (boardId: string, tokens: Partial<Record<Role, string>>) => void;

  constructor(db: SqliteDatabase) {
    this.#stmt = {
      upsert: db.prepare(
        `INSERT INTO board_tokens (board_id, role, token_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(board_id, role) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
      ),
      forBoard: db.prepare<[string], { role: Role; token_hash: Buffer }>('SELECT role, token_hash FROM board_tokens WHERE board_id = ?'),
    };
    this.#upsertAll = db.transaction((boardId: string, tokens: Partial<Record<Role, string>>) => {
      for (const role of ROLES) {
        const token = tokens[role];
        if (token !== undefined) this.#stmt.upsert.run(boardId, role, hashToken(token), Date.now());
      }
    });
  }

  async issue(boardId: string): Promise<Record<Role, string>> {
    const tokens = { viewer: newToken(), participant: newToken(), facilitator: newToken() };
    this.#upsertAll(boardId, tokens);
    return tokens;
  }

  async resolve(boardId: string, token: string): Promise<Role | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    return rowsMatching(this.#stmt.forBoard.all(boardId), token).at(-1)?.role ?? null;
  }

  async rotate(boardId: string, role: Role): Promise<string> {
    const token = newToken();
    this.#upsertAll(boardId, { [role]: token });
    return token;
  }
}
