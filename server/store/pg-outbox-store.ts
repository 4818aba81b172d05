import { fromRow, type OutboxRow } from './outbox-rows.js';
import { FORGOTTEN, type NewOutboxRecord, type OutboxChannel, type OutboxRecord, type OutboxStore } from './outbox-store.js';
import type { PgDatabase } from './pg-database.js';

/**
 * The outbox on PostgreSQL (sqlite-outbox-store.ts is the reference). `seq` is the insertion order SQLite's
 * rowid gives: the last tie-breaker of the due queue and of the log.
 */
export class PgOutboxStore implements OutboxStore {
  constructor(private readonly db: PgDatabase) {}

  async add(rec: NewOutboxRecord): Promise<boolean> {
    // One statement: of two instances adding the same key at once, one stores it and the other is told no.
    const added = await this.db.run(
      `INSERT INTO outbox (id, key, channel, series_id, kind, recipient, subject, payload, status, attempts, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $10) ON CONFLICT DO NOTHING`,
      [rec.id, rec.key, rec.channel, rec.seriesId, rec.kind, rec.recipient, rec.subject, JSON.stringify(rec.payload), rec.nextAttemptAt, rec.createdAt],
    );
    return added === 1;
  }

  async get(id: string): Promise<OutboxRecord | null> {
    const r = await this.db.one<OutboxRow>('SELECT * FROM outbox WHERE id = $1', [id]);
    return r ? fromRow(r) : null;
  }

  async byKey(key: string): Promise<OutboxRecord | null> {
    const r = await this.db.one<OutboxRow>('SELECT * FROM outbox WHERE key = $1', [key]);
    return r ? fromRow(r) : null;
  }

  async replacePending(key: string, patch: Pick<OutboxRecord, 'subject' | 'payload' | 'nextAttemptAt'>): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE outbox SET subject = $1, payload = $2, next_attempt_at = $3 WHERE key = $4 AND status = 'pending' AND attempts = 0`,
      [patch.subject, JSON.stringify(patch.payload), patch.nextAttemptAt, key],
    );
    return changed === 1;
  }

  async cancelPending(key: string): Promise<boolean> {
    return (await this.db.run(`UPDATE outbox SET status = 'cancelled' WHERE key = $1 AND status = 'pending'`, [key])) === 1;
  }

  async due(now: number, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db.rows<OutboxRow>(
      `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at, seq LIMIT $2`,
      [now, limit],
    );
    return rows.map(fromRow);
  }

  async nextDue(channels: readonly OutboxChannel[]): Promise<number | null> {
    const row = await this.db.one<{ at: number | null }>(
      `SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status = 'pending' AND channel = ANY($1::text[])`,
      [[...channels]],
    );
    return row?.at ?? null;
  }

  async markSent(id: string, at: number, response: string): Promise<void> {
    await this.db.run(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = $1, response = $2, last_error = NULL WHERE id = $3`, [
      at,
      response.slice(0, 500),
      id,
    ]);
  }

  async markAttemptFailed(id: string, error: string, nextAttemptAt: number | null): Promise<void> {
    const message = error.slice(0, 1000);
    if (nextAttemptAt === null) await this.db.run(`UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $1 WHERE id = $2`, [message, id]);
    else await this.db.run(`UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3`, [message, nextAttemptAt, id]);
  }

  async resend(id: string, now: number): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE outbox SET status = 'pending', next_attempt_at = $1, sent_at = NULL WHERE id = $2 AND status IN ('failed', 'sent', 'pending')`,
      [now, id],
    );
    return changed === 1;
  }

  async pendingByChannel(): Promise<Record<string, number>> {
    const rows = await this.db.rows<{ channel: string; n: number }>(
      `SELECT channel, COUNT(*)::bigint AS n FROM outbox WHERE status = 'pending' GROUP BY channel`,
    );
    return Object.fromEntries(rows.map((r) => [r.channel, r.n]));
  }

  async list(seriesId: string, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db.rows<OutboxRow>('SELECT * FROM outbox WHERE series_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2', [seriesId, limit]);
    return rows.map(fromRow);
  }

  async listTo(seriesId: string, recipient: string, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db.rows<OutboxRow>('SELECT * FROM outbox WHERE recipient = $1 AND series_id = $2 ORDER BY created_at DESC, seq DESC LIMIT $3', [
      recipient,
      seriesId,
      limit,
    ]);
    return rows.map(fromRow);
  }

  async cancelPendingTo(recipient: string): Promise<number> {
    return this.db.run(`UPDATE outbox SET status = 'cancelled' WHERE recipient = $1 AND status = 'pending'`, [recipient]);
  }

  async forgetRecipient(recipient: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.run(`UPDATE outbox SET status = 'cancelled' WHERE recipient = $1 AND status = 'pending'`, [recipient]);
      return tx.run(`UPDATE outbox SET recipient = $1, payload = '{}' WHERE recipient = $2`, [FORGOTTEN, recipient]);
    });
  }

  async prune(before: number): Promise<number> {
    return this.db.run(`DELETE FROM outbox WHERE status IN ('sent', 'failed', 'cancelled') AND created_at < $1`, [before]);
  }
}
