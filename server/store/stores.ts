/**
 * Every store of a server, on one database: the seam an engine plugs into (SQLite: sqlite-stores.ts; a
 * PostgreSQL implementation provides the same set). The stores share the engine's transactions and
 * durability; closing the set closes them all.
 */
import type { ActionStore } from './action-store.js';
import type { AskStore } from './ask-store.js';
import type { AuditStore } from './audit-store.js';
import type { ContactStore } from './contact-store.js';
import type { CalendarStore } from './calendar-store.js';
import type { MeetingStore } from './meeting-store.js';
import type { OutboxStore } from './outbox-store.js';
import type { PeopleStore } from './people-store.js';
import type { SecretStore } from './secret-store.js';
import type { SeriesStore } from './series-store.js';
import type { Store } from './store.js';
import type { TemplateStore } from './template-store.js';
import type { TokenStore } from './token-store.js';
import type { VersionStore } from './version-store.js';
import type { WebhookStore } from './webhook-store.js';

export interface Stores {
  /** Board rows, snapshots and the update log. */
  boards: Store;
  actions: ActionStore;
  meetings: MeetingStore;
  versions: VersionStore;
  audit: AuditStore;
  templates: TemplateStore;
  tokens: TokenStore;
  secrets: SecretStore;
  /** Series, their meetings and their role tokens. */
  series: SeriesStore;
  /** Personal links, the drop-in link and drop-in submissions of series. */
  people: PeopleStore;
  /** Requests between series and escalated challenges. */
  asks: AskStore;
  /** Mails and webhook calls, stored before they are sent. */
  outbox: OutboxStore;
  /** Addresses people gave for a series' mail, and the kinds of mail each address turned off. */
  contacts: ContactStore;
  /** Calendar feeds' generations and meetings' sequences. */
  calendar: CalendarStore;
  /** The webhook endpoints of series. */
  webhooks: WebhookStore;
  /**
   * Resolves once every write committed before the call survives a power cut (SQLite: its group commit's
   * fdatasync; PostgreSQL: at once, a commit is durable when it returns).
   */
  durable(): Promise<void>;
  close(): Promise<void>;
}
