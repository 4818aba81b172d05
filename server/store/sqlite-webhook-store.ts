import type { SeriesEventType } from '../../shared/reach.js';
import { fromRow, type WebhookRow } from './webhook-rows.js';
import type { SqliteDatabase } from './sqlite-database.js';
import type { WebhookRecord, WebhookStore } from './webhook-store.js';

export class SqliteWebhookStore implements WebhookStore {
  readonly #db: SqliteDatabase;
  readonly #stmt;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#stmt = {
      list: db.prepare<[string], WebhookRow>('SELECT * FROM series_webhooks WHERE series_id = ? ORDER BY created_at, rowid'),
      get: db.prepare<[string], WebhookRow>('SELECT * FROM series_webhooks WHERE id = ?'),
      count: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM series_webhooks WHERE series_id = ?'),
      add: db.prepare(
        `INSERT INTO series_webhooks (id, series_id, url, format, events, secret, created_at)
         VALUES (@id, @series_id, @url, @format, @events, @secret, @created_at)`,
      ),
      remove: db.prepare('DELETE FROM series_webhooks WHERE series_id = ? AND id = ?'),
      wanting: db.prepare<[string], { series_id: string }>('SELECT DISTINCT w.series_id FROM series_webhooks w, json_each(w.events) e WHERE e.value = ?'),
    };
  }

  async list(seriesId: string): Promise<WebhookRecord[]> {
    return this.#stmt.list.all(seriesId).map(fromRow);
  }

  async get(id: string): Promise<WebhookRecord | null> {
    const r = this.#stmt.get.get(id);
    return r ? fromRow(r) : null;
  }

  async add(rec: WebhookRecord, max: number): Promise<boolean> {
    return this.#db.write(() => {
      if ((this.#stmt.count.get(rec.seriesId)?.n ?? 0) >= max) return false;
      this.#stmt.add.run({
        id: rec.id,
        series_id: rec.seriesId,
        url: rec.url,
        format: rec.format,
        events: JSON.stringify(rec.events),
        secret: rec.secret,
        created_at: rec.createdAt,
      });
      return true;
    });
  }

  async seriesWanting(type: SeriesEventType): Promise<string[]> {
    return this.#stmt.wanting.all(type).map((r) => r.series_id);
  }

  async remove(seriesId: string, id: string): Promise<boolean> {
    return this.#db.write(() => this.#stmt.remove.run(seriesId, id).changes === 1);
  }
}
