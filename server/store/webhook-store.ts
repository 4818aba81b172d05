/**
 * Persistence of a series' webhook endpoints (SQLite implementation: sqlite-webhook-store.ts). Removing a
 * series removes its endpoints with it.
 */
import type { SeriesEventType } from '../../shared/reach.js';
import type { WebhookFormat } from '../../shared/webhooks.js';

export interface WebhookRecord {
  id: string;
  seriesId: string;
  url: string;
  format: WebhookFormat;
  events: SeriesEventType[];
  /** `whsec_` + base64 of the HMAC key; never listed, only answered once when created. */
  secret: string;
  createdAt: number;
}

export interface WebhookStore {
  /** A series' endpoints, oldest first. */
  list(seriesId: string): Promise<WebhookRecord[]>;
  get(id: string): Promise<WebhookRecord | null>;
  /** Stores an endpoint unless its series has `max` already (checked in the same transaction); false when full. */
  add(rec: WebhookRecord, max: number): Promise<boolean>;
  /** Series with at least one endpoint that wants events of `type` (the clock's overdue scan looks at these only). */
  seriesWanting(type: SeriesEventType): Promise<string[]>;
  /** Removes an endpoint of a series; false when the series has no such endpoint. */
  remove(seriesId: string, id: string): Promise<boolean>;
}
