import { SqliteActionStore } from './sqlite-action-store.js';
import { SqliteAskStore } from './sqlite-ask-store.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';
import { SqliteContactStore } from './sqlite-contact-store.js';
import { SqliteCalendarStore } from './sqlite-calendar-store.js';
import { SqliteDatabase } from './sqlite-database.js';
import { SqliteMeetingStore } from './sqlite-meeting-store.js';
import { SqliteOutboxStore } from './sqlite-outbox-store.js';
import { SqlitePeopleStore } from './sqlite-people-store.js';
import { SqliteSecretStore } from './sqlite-secret-store.js';
import { SqliteSeriesStore } from './sqlite-series-store.js';
import { SqliteStore } from './sqlite-store.js';
import { SqliteTemplateStore } from './sqlite-template-store.js';
import { SqliteTokenStore } from './sqlite-token-store.js';
import { SqliteVersionStore } from './sqlite-version-store.js';
import { SqliteWebhookStore } from './sqlite-webhook-store.js';
import type { Stores } from './stores.js';
import type { VersionQuota } from './version-store.js';

/** The SQLite set, with the database and the board store typed by implementation. */
export interface SqliteStores extends Stores {
  database: SqliteDatabase;
  boards: SqliteStore;
}

/** Opens (creating if needed) the database in `dataDir` and every store on it. */
export function openSqliteStores(dataDir: string, opts: { versionQuota?: VersionQuota } = {}): SqliteStores {
  const database = new SqliteDatabase(dataDir);
  return {
    database,
    boards: new SqliteStore(database),
    actions: new SqliteActionStore(database),
    meetings: new SqliteMeetingStore(database),
    versions: new SqliteVersionStore(database, opts.versionQuota),
    audit: new SqliteAuditStore(database),
    templates: new SqliteTemplateStore(database),
    tokens: new SqliteTokenStore(database),
    secrets: new SqliteSecretStore(database),
    series: new SqliteSeriesStore(database),
    people: new SqlitePeopleStore(database),
    asks: new SqliteAskStore(database),
    outbox: new SqliteOutboxStore(database),
    contacts: new SqliteContactStore(database),
    calendar: new SqliteCalendarStore(database),
    webhooks: new SqliteWebhookStore(database),
    durable: () => database.durable(),
    close: () => database.close(),
  };
}
