/** The rows of the outbox as both engines return them, and the records they make. */
import type { OutboxRecord } from './outbox-store.js';

export interface OutboxRow {
  id: string;
  key: string;
  channel: OutboxRecord['channel'];
  series_id: string | null;
  kind: string;
  recipient: string;
  subject: string;
  payload: string;
  status: OutboxRecord['status'];
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  response: string | null;
  created_at: number;
  sent_at: number | null;
}

export const fromRow = (r: OutboxRow): OutboxRecord => ({
  id: r.id,
  key: r.key,
  channel: r.channel,
  seriesId: r.series_id,
  kind: r.kind,
  recipient: r.recipient,
  subject: r.subject,
  payload: JSON.parse(r.payload),
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  response: r.response,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});
