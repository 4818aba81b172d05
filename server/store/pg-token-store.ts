import { ROLES, type Role } from '../../shared/roles.js';
import { hashToken, newToken, rowsMatching, TOKEN_PATTERN } from '../auth/tokens.js';
import type { PgDatabase } from './pg-database.js';
import type { TokenStore } from './token-store.js';

/** Token hashes in `board_tokens`, one per board and role. */
export class PgTokenStore implements TokenStore {
  constructor(private readonly db: PgDatabase) {}

  async issue(boardId: string): Promise<Record<Role, string>> {
    const tokens = { viewer: newToken(), participant: newToken(), facilitator: newToken() };
    await this.#upsert(boardId, tokens);
    return tokens;
  }

  async resolve(boardId: string, token: string): Promise<Role | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const rows = await this.db.rows<{ role: Role; token_hash: Buffer }>('SELECT role, token_hash FROM board_tokens WHERE board_id = $1', [boardId]);
    return rowsMatching(rows, token).at(-1)?.role ?? null;
  }

  async rotate(boardId: string, role: Role): Promise<string> {
    const token = newToken();
    await this.#upsert(boardId, { [role]: token });
    return token;
  }

  async #upsert(boardId: string, tokens: Partial<Record<Role, string>>): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const role of ROLES) {
        const token = tokens[role];
        if (token === undefined) continue;
        await tx.run(
          `INSERT INTO board_tokens (board_id, role, token_hash, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (board_id, role) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
          [boardId, role, hashToken(token), Date.now()],
        );
      }
    });
  }
}
