import type { SeriesEventType } from '../../shared/reach.js';
import { fromRow, type WebhookRow } from './webhook-rows.js';
import type { PgDatabase } from './pg-database.js';
import type { WebhookRecord, WebhookStore } from './webhook-store.js';

/**
 * A series' webhook endpoints on PostgreSQL (sqlite-webhook-store.ts is the reference). `seq` is the insertion
 * order SQLite's rowid gives, the tie-breaker of equal creation times.
 */
export class PgWebhookStore implements WebhookStore {
  constructor(private readonly db: PgDatabase) {}

  async list(seriesId: string): Promise<WebhookRecord[]> {
    const rows = await this.db.rows<WebhookRow>('SELECT * FROM series_webhooks WHERE series_id = $1 ORDER BY created_at, seq', [seriesId]);
    return rows.map(fromRow);
  }

  async get(id: string): Promise<WebhookRecord | null> {
    const r = await this.db.one<WebhookRow>('SELECT * FROM series_webhooks WHERE id = $1', [id]);
    return r ? fromRow(r) : null;
  }

  async add(rec: WebhookRecord, max: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // The series row is locked before counting: two instances adding the last endpoint allowed at once would
      // otherwise both count one short of the maximum and both add.
      await tx.run('SELECT 1 FROM series WHERE id = $1 FOR UPDATE', [rec.seriesId]);
      const count = await tx.one<{ n: number }>('SELECT COUNT(*)::bigint AS n FROM series_webhooks WHERE series_id = $1', [rec.seriesId]);
      if ((count?.n ?? 0) >= max) return false;
      await tx.run('INSERT INTO series_webhooks (id, series_id, url, format, events, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        rec.id,
        rec.seriesId,
        rec.url,
        rec.format,
        JSON.stringify(rec.events),
        rec.secret,
        rec.createdAt,
      ]);
      return true;
    });
  }

  async seriesWanting(type: SeriesEventType): Promise<string[]> {
    const rows = await this.db.rows<{ series_id: string }>(
      `SELECT DISTINCT series_id COLLATE "C" AS series_id FROM series_webhooks
       WHERE EXISTS (SELECT 1 FROM jsonb_array_elements_text(events::jsonb) AS e(value) WHERE e.value = $1)
       ORDER BY 1`,
      [type],
    );
    return rows.map((r) => r.series_id);
  }

  async remove(seriesId: string, id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM series_webhooks WHERE series_id = $1 AND id = $2', [seriesId, id])) === 1;
  }
}
