/**
 * Persistence of the outbox: every mail and webhook call, stored before it is sent (SQLite implementation:
 * sqlite-outbox-store.ts). The idempotency key is unique, so asking twice for the same message stores it once;
 * the row then records each attempt's outcome, which is what the facilitator sees.
 */

/** What a forgotten address becomes in the log (forgetRecipient). */
export const FORGOTTEN = '(removed)';

export type OutboxChannel = 'email' | 'webhook';
export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'cancelled';

export interface OutboxRecord {
  id: string;
  /** Unique: the same event asked for twice (a retry, a restart, two paths to it) is one message. */
  key: string;
  channel: OutboxChannel;
  /** The series it belongs to (whose facilitator sees it), or null for one that belongs to none. */
  seriesId: string | null;
  /** What it is: a mail kind (`summary`, `reminder`, …) or a webhook event type (`meeting.ended`, …). */
  kind: string;
  /** An email address, or a webhook endpoint's id. */
  recipient: string;
  /** A line for the log: a mail's subject, a webhook's event. */
  subject: string;
  /** Everything the deliverer needs, as JSON (the rendered mail; the webhook's body). */
  payload: unknown;
  status: OutboxStatus;
  attempts: number;
  /** When a pending message is next tried. */
  nextAttemptAt: number;
  lastError: string | null;
  /** What the receiving server answered on success (SMTP reply, HTTP status). */
  response: string | null;
  createdAt: number;
  sentAt: number | null;
}

export type NewOutboxRecord = Pick<
  OutboxRecord,
  'id' | 'key' | 'channel' | 'seriesId' | 'kind' | 'recipient' | 'subject' | 'payload' | 'nextAttemptAt' | 'createdAt'
>;

export interface OutboxStore {
  /** Stores a pending message; false (and nothing changes) when its key is already there. */
  add(rec: NewOutboxRecord): Promise<boolean>;
  get(id: string): Promise<OutboxRecord | null>;
  byKey(key: string): Promise<OutboxRecord | null>;
  /** Replaces a still-pending message's content and time; false when it is not pending (sent, or never stored). */
  replacePending(key: string, patch: Pick<OutboxRecord, 'subject' | 'payload' | 'nextAttemptAt'>): Promise<boolean>;
  /** Cancels a still-pending message; false when it is not pending. */
  cancelPending(key: string): Promise<boolean>;
  /** Pending messages due at `now`, oldest first. */
  due(now: number, limit: number): Promise<OutboxRecord[]>;
  /** When the earliest pending message of these channels is due, or null when none is pending. */
  nextDue(channels: readonly OutboxChannel[]): Promise<number | null>;
  markSent(id: string, at: number, response: string): Promise<void>;
  /** One more failed attempt; tried again at `nextAttemptAt`, or given up (`failed`) when that is null. */
  markAttemptFailed(id: string, error: string, nextAttemptAt: number | null): Promise<void>;
  /** Back to pending, due now (a failed or sent message sent again by hand); false when there is no such message. */
  resend(id: string, now: number): Promise<boolean>;
  /** Messages waiting to be sent, by channel (for metrics). */
  pendingByChannel(): Promise<Record<string, number>>;
  /** A series' messages to one recipient (a webhook endpoint), newest first. */
  listTo(seriesId: string, recipient: string, limit: number): Promise<OutboxRecord[]>;
  /** Cancels every pending message to a recipient (a removed webhook endpoint); returns how many. */
  cancelPendingTo(recipient: string): Promise<number>;
  /** A series' messages, newest first. */
  list(seriesId: string, limit: number): Promise<OutboxRecord[]>;
  /** Removes an address from the log: pending messages to it are cancelled, and it is blanked in every row. */
  forgetRecipient(recipient: string): Promise<number>;
  /** Deletes sent, failed and cancelled messages created before `before`. */
  prune(before: number): Promise<number>;
}
