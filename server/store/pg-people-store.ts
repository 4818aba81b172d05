import { hashToken, newToken, rowsMatching } from '../auth/tokens.js';
import type { DropinStatus } from '../../shared/series-people.js';
import { fromRow, type DropinRow } from './people-rows.js';
import type { DropinRecord, PeopleStore } from './people-store.js';
import type { PgDatabase } from './pg-database.js';

const DROPIN_COLUMNS = 'id, series_id, kind, text, name, addressee, created_at, status, board_id, card_id, decided_at';

/** The row `token` opens, or null (see rowsMatching). */
const matchAll = <T extends { token_hash: Buffer }>(rows: T[], token: string): T | null => rowsMatching(rows, token).at(-1) ?? null;

/** Personal and drop-in links and drop-in submissions on PostgreSQL; submissions made at the same time keep their insertion order (`ord`). */
export class PgPeopleStore implements PeopleStore {
  constructor(private readonly db: PgDatabase) {}

  async rotatePersonToken(seriesId: string, name: string): Promise<string> {
    const token = newToken();
    await this.db.run(
      `INSERT INTO series_people_tokens (series_id, name_key, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (series_id, name_key) DO UPDATE SET name = excluded.name, token_hash = excluded.token_hash, created_at = excluded.created_at`,
      [seriesId, name.toLowerCase(), name, hashToken(token), Date.now()],
    );
    return token;
  }

  async resolvePerson(seriesId: string, token: string): Promise<string | null> {
    const rows = await this.db.rows<{ name: string; token_hash: Buffer }>('SELECT name, token_hash FROM series_people_tokens WHERE series_id = $1', [seriesId]);
    return matchAll(rows, token)?.name ?? null;
  }

  async rotateDropinToken(seriesId: string): Promise<string> {
    const token = newToken();
    await this.db.run(
      `INSERT INTO series_dropin_tokens (series_id, token_hash, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (series_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
      [seriesId, hashToken(token), Date.now()],
    );
    return token;
  }

  async isDropinToken(seriesId: string, token: string): Promise<boolean> {
    const rows = await this.db.rows<{ token_hash: Buffer }>('SELECT token_hash FROM series_dropin_tokens WHERE series_id = $1', [seriesId]);
    return matchAll(rows, token) !== null;
  }

  async addDropin(r: DropinRecord): Promise<void> {
    await this.db.run(`INSERT INTO series_dropins (${DROPIN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
      r.id,
      r.seriesId,
      r.kind,
      r.text,
      r.name,
      r.addressee,
      r.createdAt,
      r.status,
      r.boardId,
      r.cardId,
      r.decidedAt,
    ]);
  }

  async getDropin(seriesId: string, id: string): Promise<DropinRecord | null> {
    const row = await this.db.one<DropinRow>(`SELECT ${DROPIN_COLUMNS} FROM series_dropins WHERE series_id = $1 AND id = $2`, [seriesId, id]);
    return row ? fromRow(row) : null;
  }

  async listDropins(seriesId: string, status: DropinStatus): Promise<DropinRecord[]> {
    const rows = await this.db.rows<DropinRow>(`SELECT ${DROPIN_COLUMNS} FROM series_dropins WHERE series_id = $1 AND status = $2 ORDER BY created_at, ord`, [
      seriesId,
      status,
    ]);
    return rows.map(fromRow);
  }

  async decideDropin(
    seriesId: string,
    id: string,
    decision: { status: 'taken'; boardId: string; cardId: string } | { status: 'set_aside' },
    at: number,
  ): Promise<boolean> {
    // One statement that checks and moves: of two instances deciding the same submission at once, the second
    // waits for the first's row lock, finds it no longer pending, and changes nothing.
    const changed = await this.db.run(
      `UPDATE series_dropins SET status = $1, board_id = $2, card_id = $3, decided_at = $4
       WHERE series_id = $5 AND id = $6 AND status = 'pending'`,
      [decision.status, decision.status === 'taken' ? decision.boardId : null, decision.status === 'taken' ? decision.cardId : null, at, seriesId, id],
    );
    return changed === 1;
  }
}
