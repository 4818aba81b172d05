/**
 * The engines every store contract test runs on. Each engine opens a fresh, empty set of stores; a new
 * engine (PostgreSQL) joins by adding a row here, and every suite in tests/store/ then runs on it too.
 */
import { afterEach, inject } from 'vitest';
import * as Y from 'yjs';
import { openPgStores } from '../../server/store/pg-stores.js';
import { openSqliteStores } from '../../server/store/sqlite-stores.js';
import type { Stores } from '../../server/store/stores.js';
import type { VersionQuota } from '../../server/store/version-store.js';
import { freshDatabase } from '../helpers/postgres.js';
import { tempDataDir } from '../helpers/server.js';

export interface StoreEngine {
  name: string;
  /**
   * A fresh, empty set of stores; `reopen` opens the same data again (after `stores.close()`), and so does
   * `openAgain`, while `stores` stays open: a second server instance on the same database.
   */
  open(opts?: { versionQuota?: VersionQuota }): Promise<{ stores: Stores; reopen(): Promise<Stores>; openAgain(): Promise<Stores> }>;
}

export const ENGINES: StoreEngine[] = [
  {
    name: 'sqlite',
    open: async (opts) => {
      const dir = tempDataDir();
      const again = async () => openSqliteStores(dir, opts);
      return { stores: openSqliteStores(dir, opts), reopen: again, openAgain: again };
    },
  },
  {
    // A fresh database in the run's PostgreSQL server (tests/helpers/global-setup.ts).
    name: 'postgres',
    open: async (opts) => {
      const url = await freshDatabase(inject('pgUrl'));
      const again = async () => openPgStores(url, opts);
      return { stores: await again(), reopen: again, openAgain: again };
    },
  },
];

/** Opens stores on `engine` for one test and closes every set it opened after it. */
export function storesOn(engine: StoreEngine) {
  const open: Stores[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  return async (opts?: { versionQuota?: VersionQuota }) => {
    const { stores, reopen, openAgain } = await engine.open(opts);
    open.push(stores);
    return {
      stores,
      /** Closes `stores` and opens the same data again. */
      reopen: async () => {
        await stores.close();
        const again = await reopen();
        open.push(again);
        return again;
      },
      /** A second set on the same data while `stores` stays open, as a second instance would have. */
      openAgain: async () => {
        const again = await openAgain();
        open.push(again);
        return again;
      },
    };
  };
}

/** Creates an empty board: most rows belong to one and go with it. */
export async function addBoard(stores: Stores, id: string): Promise<void> {
  await stores.boards.createBoard({ id, title: 'T', createdAt: 1, updatedAt: 1 }, Y.encodeStateAsUpdate(new Y.Doc()));
}

/** Stores a plain series `id` (a one-off in UTC), for suites whose records belong to a series. */
export async function addSeries(stores: Stores, id: string, name = `Series ${id}`): Promise<void> {
  await stores.series.create({
    id,
    name,
    team: '',
    cadence: null,
    firstDate: '2030-01-01',
    startTime: '09:00',
    timezone: 'UTC',
    durationMinutes: 60,
    template: null,
    people: [],
    settings: { openBeforeMinutes: null, flagAfter: 3, graceMinutes: 30, reminderDaysBefore: 1, overdueDigest: false },
    createdAt: 1,
    updatedAt: 1,
  });
}
