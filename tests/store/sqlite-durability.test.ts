/**
 * Every write of every SQLite store is covered by the group commit: once `durable()` resolves, the whole
 * write-ahead log as it stands on disk has been fdatasync'd. A write that bypassed the database's
 * transactions would leave the log longer than what the last flush covered.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CHECKPOINT_WAL_BYTES } from '../../server/store/sqlite-database.js';
import { openSqliteStores, type SqliteStores } from '../../server/store/sqlite-stores.js';
import { tempDataDir } from '../helpers/server.js';
import { addBoard } from './engines.js';

const template = {
  id: 'tpl-1',
  name: 'Weekly',
  description: '',
  title: 'Weekly sync',
  purpose: '',
  cards: { agenda: [{ title: 'News' }], needs: [], challenges: [] },
};

const WRITES: Array<[string, (s: SqliteStores) => unknown]> = [
  ['board log: create a board', (s) => addBoard(s, 'new')],
  ['board log: rename', (s) => s.boards.renameBoard('b', 'Renamed', 2)],
  ['board log: append updates', (s) => s.boards.appendUpdates([{ boardId: 'b', update: Y.encodeStateAsUpdate(new Y.Doc()) }])],
  ['board log: compact', (s) => s.boards.compact('b', Y.encodeStateAsUpdate(new Y.Doc()), 0)],
  ['board log: delete', (s) => s.boards.deleteBoard('b')],
  ['action items: upsert', (s) => s.actions.upsert([actionItem()])],
  ['action items: attendees', (s) => s.actions.addAttendees('b', ['Ana'], 1)],
  ['action items: set a webhook', (s) => s.actions.setWebhook('b', 'https://hooks.example.com/x', 1)],
  ['meetings: save state', (s) => s.meetings.saveMeeting('b', { phase: 'discuss' })],
  ['meetings: record a vote', (s) => s.meetings.recordVote({ id: 'r', boardId: 'b', dotsPerPerson: 3, openedAt: 1, revealedAt: 2, voters: 1, results: [] })],
  ['versions: save', (s) => s.versions.save('b', { name: 'v', by: 'Ana', data: new Uint8Array(64), createdAt: 1 })],
  ['audit: append', (s) => s.audit.append('b', [{ at: 1, actor: 'Ana', role: 'participant', action: 'card.created', cardId: 'c', field: null, summary: 's' }])],
  ['templates: save', (s) => s.templates.save({ template, sourceBoardId: 'b', createdAt: 1 }, { maxPerBoard: 5 })],
  ['tokens: issue', (s) => s.tokens.issue('b')],
  ['tokens: rotate', (s) => s.tokens.rotate('b', 'viewer')],
  ['secrets: create', (s) => s.secrets.secret('fresh')],
];

function actionItem() {
  return {
    boardId: 'b',
    id: 'dec:1',
    kind: 'decision' as const,
    cardId: 'c',
    column: 'agenda' as const,
    cardTitle: 'C',
    decisionId: '1',
    text: 't',
    owners: [],
    due: null,
    dueText: '',
    dueFlag: null,
    decidedBy: 'Ana',
    boardStatus: 'open' as const,
    present: true,
    personStatus: null,
    status: 'open' as const,
    createdAt: 1,
    updatedAt: 1,
  };
}

describe('sqlite group commit', () => {
  const opened: SqliteStores[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  async function settled(): Promise<{ stores: SqliteStores; walBytes: () => number }> {
    const stores = openSqliteStores(tempDataDir());
    opened.push(stores);
    await addBoard(stores, 'b');
    await stores.database.durable();
    const walBytes = () => fs.statSync(`${stores.database.file}-wal`).size;
    expect(stores.database.syncedWalBytes).toBe(walBytes());
    return { stores, walBytes };
  }

  it.each(WRITES)('%s reaches the disk without a board write after it', async (_name, write) => {
    const { stores, walBytes } = await settled();
    const before = walBytes();
    await write(stores);
    expect(walBytes()).toBeGreaterThan(before);
    await stores.database.durable();
    expect(stores.database.syncedWalBytes).toBe(walBytes());
  });

  it('durable() resolves at once when every write is already flushed, and at close for writes still waiting', async () => {
    const { stores } = await settled();
    await stores.database.durable(); // nothing written since: no flush to wait for
    await stores.versions.save('b', { name: 'v', by: 'Ana', data: new Uint8Array(8), createdAt: 1 });
    const waiting = stores.database.durable();
    await stores.close();
    await waiting;
  });

  it('the log is checkpointed off the commits while writes go on, restarts, and stays bounded; nothing is lost', async () => {
    const dir = tempDataDir();
    const stores = openSqliteStores(dir);
    opened.push(stores);
    await addBoard(stores, 'b');
    const file = stores.database.file;
    const sizes = () => ({ db: fs.statSync(file).size, wal: fs.statSync(`${file}-wal`).size });
    const dbBefore = sizes().db;
    const update = new Uint8Array(20_000).fill(7);
    // Six times the checkpoint size goes through the log, a group commit every few commits (as a live server).
    let written = 0;
    while (written < 6 * CHECKPOINT_WAL_BYTES) {
      for (let i = 0; i < 5; i++) await stores.boards.appendUpdates([{ boardId: 'b', update }]);
      written += 5 * update.length;
      await stores.database.durable();
    }
    // The checkpoints copied the log into the database file (no commit did: they are not asked to) and the
    // writer restarted the log over and over, so it never grew to hold what went through it.
    await vi.waitFor(() => expect(sizes().db).toBeGreaterThan(dbBefore + 4 * CHECKPOINT_WAL_BYTES), { timeout: 10_000 });
    expect(sizes().wal).toBeLessThan(3 * CHECKPOINT_WAL_BYTES);
    const count = written / update.length;
    await stores.close();
    opened.splice(opened.indexOf(stores), 1);
    const again = openSqliteStores(dir);
    opened.push(again);
    expect((await again.boards.loadDocument('b')).updates).toHaveLength(count);
  }, 60_000);
});
