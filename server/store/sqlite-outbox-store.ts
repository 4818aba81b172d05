import { fromRow, type OutboxRow } from './outbox-rows.js';
import { FORGOTTEN, type NewOutboxRecord, type OutboxChannel, type OutboxRecord, type OutboxStore } from './outbox-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

export class SqliteOutboxStore implements OutboxStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      add: db.prepare(
        `INSERT OR IGNORE INTO outbox (id, key, channel, series_id, kind, recipient, subject, payload, status, attempts, next_attempt_at, created_at)
         VALUES (@id, @key, @channel, @series_id, @kind, @recipient, @subject, @payload, 'pending', 0, @next_attempt_at, @created_at)`,
      ),
      get: db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE id = ?'),
      byKey: db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE key = ?'),
      replace: db.prepare(`UPDATE outbox SET subject = ?, payload = ?, next_attempt_at = ? WHERE key = ? AND status = 'pending' AND attempts = 0`),
      cancel: db.prepare(`UPDATE outbox SET status = 'cancelled' WHERE key = ? AND status = 'pending'`),
      due: db.prepare<[number, number], OutboxRow>(
        `SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?`,
      ),
      nextDue: db.prepare<[string], { at: number | null }>(
        `SELECT MIN(next_attempt_at) AS at FROM outbox WHERE status = 'pending' AND channel IN (SELECT value FROM json_each(?))`,
      ),
      sent: db.prepare(`UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, response = ?, last_error = NULL WHERE id = ?`),
      retry: db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`),
      failed: db.prepare(`UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`),
      resend: db.prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = ?, sent_at = NULL WHERE id = ? AND status IN ('failed', 'sent', 'pending')`),
      pending: db.prepare<[], { channel: string; n: number }>(`SELECT channel, COUNT(*) AS n FROM outbox WHERE status = 'pending' GROUP BY channel`),
      list: db.prepare<[string, number], OutboxRow>('SELECT * FROM outbox WHERE series_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?'),
      listTo: db.prepare<[string, string, number], OutboxRow>(
        'SELECT * FROM outbox WHERE recipient = ? AND series_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
      ),
      cancelTo: db.prepare(`UPDATE outbox SET status = 'cancelled' WHERE recipient = ? AND status = 'pending'`),
      forget: db.prepare(`UPDATE outbox SET recipient = ?, payload = '{}' WHERE recipient = ?`),
      prune: db.prepare(`DELETE FROM outbox WHERE status IN ('sent', 'failed', 'cancelled') AND created_at < ?`),
    };
  }

  async add(rec: NewOutboxRecord): Promise<boolean> {
    const row = {
      id: rec.id,
      key: rec.key,
      channel: rec.channel,
      series_id: rec.seriesId,
      kind: rec.kind,
      recipient: rec.recipient,
      subject: rec.subject,
      payload: JSON.stringify(rec.payload),
      next_attempt_at: rec.nextAttemptAt,
      created_at: rec.createdAt,
    };
    return this.#db.write(() => this.#stmt.add.run(row).changes === 1);
  }

  async get(id: string): Promise<OutboxRecord | null> {
    const r = this.#stmt.get.get(id);
    return r ? fromRow(r) : null;
  }

  async byKey(key: string): Promise<OutboxRecord | null> {
    const r = this.#stmt.byKey.get(key);
    return r ? fromRow(r) : null;
  }

  async replacePending(key: string, patch: Pick<OutboxRecord, 'subject' | 'payload' | 'nextAttemptAt'>): Promise<boolean> {
    return this.#db.write(() => this.#stmt.replace.run(patch.subject, JSON.stringify(patch.payload), patch.nextAttemptAt, key).changes === 1);
  }

  async cancelPending(key: string): Promise<boolean> {
    return this.#db.write(() => this.#stmt.cancel.run(key).changes === 1);
  }

  async due(now: number, limit: number): Promise<OutboxRecord[]> {
    return this.#stmt.due.all(now, limit).map(fromRow);
  }

  async nextDue(channels: readonly OutboxChannel[]): Promise<number | null> {
    return this.#stmt.nextDue.get(JSON.stringify(channels))?.at ?? null;
  }

  async markSent(id: string, at: number, response: string): Promise<void> {
    this.#db.write(() => this.#stmt.sent.run(at, response.slice(0, 500), id));
  }

  async markAttemptFailed(id: string, error: string, nextAttemptAt: number | null): Promise<void> {
    const message = error.slice(0, 1000);
    this.#db.write(() => (nextAttemptAt === null ? this.#stmt.failed.run(message, id) : this.#stmt.retry.run(message, nextAttemptAt, id)));
  }

  async resend(id: string, now: number): Promise<boolean> {
    return this.#db.write(() => this.#stmt.resend.run(now, id).changes === 1);
  }

  async pendingByChannel(): Promise<Record<string, number>> {
    return Object.fromEntries(this.#stmt.pending.all().map((r) => [r.channel, r.n]));
  }

  async list(seriesId: string, limit: number): Promise<OutboxRecord[]> {
    return this.#stmt.list.all(seriesId, limit).map(fromRow);
  }

  async listTo(seriesId: string, recipient: string, limit: number): Promise<OutboxRecord[]> {
    return this.#stmt.listTo.all(recipient, seriesId, limit).map(fromRow);
  }

  async cancelPendingTo(recipient: string): Promise<number> {
    return this.#db.write(() => this.#stmt.cancelTo.run(recipient).changes);
  }

  async forgetRecipient(recipient: string): Promise<number> {
    return this.#db.write(() => {
      this.#stmt.cancelTo.run(recipient);
      return this.#stmt.forget.run(FORGOTTEN, recipient).changes;
    });
  }

  async prune(before: number): Promise<number> {
    return this.#db.write(() => this.#stmt.prune.run(before).changes);
  }
}
