import type { Logger } from '../log.js';
import { PgActionStore } from './pg-action-store.js';
import { PgAskStore } from './pg-ask-store.js';
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
import { PgWebhookStore } from './pg-webhook-store.js';
import type { Stores } from './stores.js';
import type { VersionQuota } from './version-store.js';

/** The PostgreSQL set (DATABASE_URL), with the database for callers that need the engine itself. */
export interface PgStores extends Stores {
  database: PgDatabase;
}

/** A store not written for PostgreSQL yet: every call rejects, saying which. */
function notYet<T>(name: string): T {
  return new Proxy({} as object, {
    get: (_t, prop) => (typeof prop === 'string' && prop !== 'then' ? () => Promise.reject(new Error(`${name}.${prop}: not on PostgreSQL yet`)) : undefined),
  }) as T;
}

/** Connects to `url`, brings its schema up to date, and opens every store on it. */
export async function openPgStores(url: string, opts: { versionQuota?: VersionQuota; log?: Logger } = {}): Promise<PgStores> {
  const database = await PgDatabase.open(url, opts.log);
  void opts.versionQuota;
  return {
    database,
    boards: new PgStore(database),
    tokens: new PgTokenStore(database),
    secrets: new PgSecretStore(database),
    // meetings, versions, audit, templates
    meetings: new PgMeetingStore(database),
    versions: notYet('versions'),
    audit: notYet('audit'),
    templates: new PgTemplateStore(database),

    // actions, people, asks
    actions: new PgActionStore(database),
    people: new PgPeopleStore(database),
    asks: new PgAskStore(database),

    // series, outbox, contacts, calendar, webhooks
    series: new PgSeriesStore(database),
    outbox: new PgOutboxStore(database),
    contacts: new PgContactStore(database),
    calendar: new PgCalendarStore(database),
    webhooks: new PgWebhookStore(database),

    durable: () => database.durable(),
    close: () => database.close(),
  };
}
