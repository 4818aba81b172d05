/**
 * A simulated power cut: only what an fdatasync made durable survives. Writes that are not board updates (a
 * saved version, a rotated link) must be covered by the group commit on their own, with no board write after
 * them to carry them to the disk.
 *
 * The cut keeps the database file and the prefix of the write-ahead log that the last completed fdatasync
 * covered (`syncedWalBytes`); the shared-memory index is lost, as in a real cut, and SQLite rebuilds it from
 * the log on open. Copying the main file whole is honest because nothing but a checkpoint writes to it, and
 * SQLite (synchronous = NORMAL) syncs the log before a checkpoint and the main file after it; the test checks
 * that the log never reached the size from which it is checkpointed, so no checkpoint ran and the log was never
 * restarted over its own synced prefix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_WAL_BYTES, DATABASE_FILE, type SqliteDatabase } from '../../server/store/sqlite-database.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import type { VersionInfo } from '../../shared/history-schemas.js';
import { api, createBoard, startServer, tempDataDir, type TestServer } from '../helpers/server.js';

function databaseOf(server: TestServer): SqliteDatabase {
  const store = server.app.store;
  if (!(store instanceof SqliteStore)) throw new Error('this test simulates a power cut of the SQLite engine');
  return store.db;
}

/** Copies what would survive a power cut now into a fresh data directory. */
function powerCut(database: SqliteDatabase): string {
  const wal = fs.readFileSync(`${database.file}-wal`);
  expect(wal.length).toBeLessThan(CHECKPOINT_WAL_BYTES);
  const dir = tempDataDir();
  fs.copyFileSync(database.file, path.join(dir, DATABASE_FILE));
  fs.writeFileSync(path.join(dir, `${DATABASE_FILE}-wal`), wal.subarray(0, database.syncedWalBytes));
  return dir;
}

describe('power cut', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
  });

  it('a saved version and a rotated link survive a power cut with no board write after them', async () => {
    // Boards stay loaded, so no unload compaction (a board write) follows the writes under test.
    const server = await startServer({ config: { unloadGraceMs: 60_000 } });
    servers.push(server);
    const database = databaseOf(server);
    const board = await createBoard(server.url);
    await database.durable();

    const saved = await api<VersionInfo>(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'Before the budget talk' }, board.tokens.participant);
    expect(saved.status).toBe(201);
    const rotated = await api<{ link: string }>(server.url, 'POST', `/api/boards/${board.id}/links/rotate`, { role: 'participant' }, board.tokens.facilitator);
    expect(rotated.status).toBe(200);
    const participant = new URL(rotated.body.link).searchParams.get('token')!;
    await database.durable();

    const after = await startServer({ dataDir: powerCut(database) });
    servers.push(after);
    const versions = await api<{ versions: VersionInfo[] }>(after.url, 'GET', `/api/boards/${board.id}/versions`, undefined, board.tokens.viewer);
    expect(versions.status).toBe(200);
    expect(versions.body.versions).toContainEqual(saved.body);
    expect((await api(after.url, 'GET', `/api/boards/${board.id}`, undefined, participant)).status).toBe(200);
    expect((await api(after.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.participant)).status).toBe(403);
  });
});
