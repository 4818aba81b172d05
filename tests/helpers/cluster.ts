/**
 * Several real Meshboard instances sharing one store and one Redis, as an operator runs them behind a load
 * balancer: the embedded SQLite file (one data directory) or a fresh PostgreSQL database, and a throwaway
 * redis-server with a prefix of their own.
 */
import crypto from 'node:crypto';
import { inject } from 'vitest';
import type { AppDeps } from '../../server/app.js';
import type { ConfigInput } from '../../server/config.js';
import { openPgStores } from '../../server/store/pg-stores.js';
import { openSqliteStores } from '../../server/store/sqlite-stores.js';
import type { Stores } from '../../server/store/stores.js';
import { freshDatabase } from './postgres.js';
import { startRedis, type TestRedis } from './redis.js';
import { startServer, tempDataDir, type TestServer } from './server.js';

export type Engine = 'sqlite' | 'postgres';

export interface TestCluster {
  servers: TestServer[];
  redis: TestRedis;
  /** What every instance is started with (add one more with `startServer({ dataDir, config })`). */
  dataDir: string;
  config: ConfigInput;
  /** Starts one more instance on the same store and Redis. */
  add(): Promise<TestServer>;
  /** The store the instances share, opened beside them (close it after use). */
  openStores(): Promise<Stores>;
  stop(): Promise<void>;
}

export async function startCluster(n: number, opts: { engine?: Engine; config?: ConfigInput; deps?: AppDeps } = {}): Promise<TestCluster> {
  const redis = await startRedis();
  const dataDir = tempDataDir();
  const databaseUrl = opts.engine === 'postgres' ? await freshDatabase(inject('pgUrl')) : undefined;
  const config: ConfigInput = {
    redisUrl: redis.url,
    redisPrefix: `t${crypto.randomBytes(4).toString('hex')}:`,
    // Short leases, so that a test sees a takeover in about a second.
    leaseMs: 900,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...opts.config,
  };
  const servers: TestServer[] = [];
  const add = async () => {
    const server = await startServer({ dataDir, config, deps: opts.deps });
    servers.push(server);
    return server;
  };
  for (let i = 0; i < n; i++) await add();
  return {
    servers,
    redis,
    dataDir,
    config,
    add,
    openStores: async () => (databaseUrl ? openPgStores(databaseUrl) : openSqliteStores(dataDir)),
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await redis.stop();
    },
  };
}
