import type { Logger } from '../log.js';
import { PgActionStore } from './pg-action-store.js';
import { PgAskStore } from './pg-ask-store.js';
import { PgAuditStore } from './pg-audit-store.js';
import { PgCalendarStore } from './pg-calendar-store.js';
import { PgContactStore } from './pg-contact-store.js';
import { PgDatabase } from './pg-database.js';
import { PgMeetingStore } from './pg-meeting-store.js';
import { PgOutboxStore } from './pg-outbox-store.js';
import { PgPeopleStore } from './pg-people-store.js';
import { PgSecretStore } from './pg-secret-store.js';
import { PgSeriesStore } from './pg-series-store.js';
import { PgStore } from './pg-store.js';
import { PgTemplateStore } from './pg-template-store.js';
import { PgTokenStore } from './pg-token-store.js';
import { PgVersionStore } from './pg-version-store.js';
import { PgWebhookStore } from './pg-webhook-store.js';
import type { Stores } from './stores.js';
import type { VersionQuota } from './version-store.js';

/** The PostgreSQL set (DATABASE_URL), with the database for callers that need the engine itself. */
export interface PgStores extends Stores {
  database: PgDatabase;
}

/** Connects to `url`, brings its schema up to date, and opens every store on it. */
export async function openPgStores(url: string, opts: { versionQuota?: VersionQuota; log?: Logger } = {}): Promise<PgStores> {
  const database = await PgDatabase.open(url, opts.log);
  return {
    database,
    boards: new PgStore(database),
    tokens: new PgTokenStore(database),
    secrets: new PgSecretStore(database),
    meetings: new PgMeetingStore(database),
    versions: new PgVersionStore(database, opts.versionQuota),
    audit: new PgAuditStore(database),
    templates: new PgTemplateStore(database),
    actions: new PgActionStore(database),
    people: new PgPeopleStore(database),
    asks: new PgAskStore(database),
    series: new PgSeriesStore(database),
    outbox: new PgOutboxStore(database),
    contacts: new PgContactStore(database),
    calendar: new PgCalendarStore(database),
    webhooks: new PgWebhookStore(database),

    durable: () => database.durable(),
    close: () => database.close(),
  };
}
