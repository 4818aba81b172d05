/**
 * The store set a server runs on: PostgreSQL when DATABASE_URL is set, else the embedded SQLite file in
 * DATA_DIR. Both pass the same contract suite (tests/store/).
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { openPgStores, type PgStores } from './pg-stores.js';
import { openSqliteStores, type SqliteStores } from './sqlite-stores.js';

export type OpenedStores = (SqliteStores & { engine: 'sqlite' }) | (PgStores & { engine: 'postgres' });

export async function openStores(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'versionsPerBoard' | 'versionBytesPerBoard'>,
  log?: Logger,
): Promise<OpenedStores> {
  const versionQuota = { maxCount: config.versionsPerBoard, maxBytes: config.versionBytesPerBoard };
  if (config.databaseUrl) return { ...(await openPgStores(config.databaseUrl, { versionQuota, log })), engine: 'postgres' };
  return { ...openSqliteStores(config.dataDir, { versionQuota }), engine: 'sqlite' };
}
