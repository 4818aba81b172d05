/** The rows of series webhooks as both engines return them, and the records they make. */
import type { SeriesEventType } from '../../shared/reach.js';
import type { WebhookFormat } from '../../shared/webhooks.js';
import type { WebhookRecord } from './webhook-store.js';

export interface WebhookRow {
  id: string;
  series_id: string;
  url: string;
  format: WebhookFormat;
  events: string;
  secret: string;
  created_at: number;
}

export const fromRow = (r: WebhookRow): WebhookRecord => ({
  id: r.id,
  seriesId: r.series_id,
  url: r.url,
  format: r.format,
  events: JSON.parse(r.events) as SeriesEventType[],
  secret: r.secret,
  createdAt: r.created_at,
});
