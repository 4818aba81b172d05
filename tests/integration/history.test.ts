import { afterEach, describe, expect, it } from 'vitest';
import { cardText, applyTextDiff, createCard, deleteCard, readBoard, updateCard } from '../../shared/board-schema.js';
import type { VersionInfo } from '../../shared/history-schemas.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let server: TestServer;
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.stop();
});

const open = (board: TestBoard, token = board.tokens.participant) => {
  const c = connect(server.wsUrl, board, token);
  clients.push(c);
  return c;
};
const versions = async (board: TestBoard) =>
  (await api<{ versions: VersionInfo[] }>(server.url, 'GET', `/api/boards/${board.id}/versions`, undefined, board.tokens.viewer)).body.versions;
const titles = (c: YClient) => readBoard(c.doc).columns.agenda.map((a) => a.title);

/** A board with two agenda items and a request, typed by a connected participant. */
async function boardWithCards() {
  const board = await createBoard(server.url);
  const y = open(board);
  await synced(y);
  createCard(y.doc, { column: 'agenda', title: 'Launch plan', notes: 'Draft' }, { id: 'agenda1', createdBy: 'Ana' });
  createCard(y.doc, { column: 'agenda', title: 'Hiring' }, { id: 'agenda2', createdBy: 'Ana' });
  createCard(y.doc, { column: 'needs', asker: 'Priya', addressee: 'Sam', what: 'Churn numbers' }, { id: 'need1', createdBy: 'Priya' });
  await waitFor(
    async () => (await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body.columns.agenda.length === 2,
    'cards stored',
  );
  return { board, y };
}

describe('named versions', () => {
  it('a participant saves a version; anyone with the board can list it and read the board as it was then', async () => {
    server = await startServer();
    const { board, y } = await boardWithCards();
    const saved = await api<VersionInfo>(
      server.url,
      'POST',
      `/api/boards/${board.id}/versions`,
      { name: 'Before the offsite', by: 'Priya' },
      board.tokens.participant,
    );
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ name: 'Before the offsite', by: 'Priya' });
    deleteCard(y.doc, 'agenda2');
    await waitFor(
      async () => (await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body.columns.agenda.length === 1,
      'delete stored',
    );

    expect(await versions(board)).toEqual([expect.objectContaining({ id: saved.body.id, name: 'Before the offsite' })]);
    const old = await api(server.url, 'GET', `/api/boards/${board.id}/versions/${saved.body.id}`, undefined, board.tokens.viewer);
    expect(old.status).toBe(200);
    expect(old.body.columns.agenda.map((c: { title: string }) => c.title)).toEqual(['Launch plan', 'Hiring']);
    expect(old.body).toMatchObject({ id: board.id, meta: { title: 'Weekly cross-team sync' }, version: { id: saved.body.id } });
    expect(old.body.role).toBeUndefined();
  });

  it('a restore is a new change on top: a connected client receives it, it survives a restart, and restoring "Before restore" reverts it', async () => {
    server = await startServer();
    const { board, y } = await boardWithCards();
    const v1 = (await api<VersionInfo>(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'v1' }, board.tokens.participant)).body;
    // After v1: one item deleted, one added, a text edited, a status changed.
    deleteCard(y.doc, 'agenda2');
    createCard(y.doc, { column: 'agenda', title: 'Retro' }, { id: 'agenda3' });
    applyTextDiff(cardText(y.doc, 'agenda1', 'notes')!, 'Draft, reviewed by Sam');
    // The facilitator's sync socket may write a request's answer directly (a participant's may not).
    const lead = open(board, board.tokens.facilitator);
    await synced(lead);
    updateCard(lead.doc, 'need1', { status: 'accepted' });
    const other = open(board, board.tokens.viewer);
    await synced(other);
    await waitFor(() => titles(other).join() === 'Launch plan,Retro', 'viewer sees the edits');

    const restored = await api(server.url, 'POST', `/api/boards/${board.id}/versions/${v1.id}/restore`, { by: 'Fran' }, board.tokens.facilitator);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ restored: { id: v1.id }, before: { name: 'Before restore', by: 'Fran' }, changed: true });
    // Both connected clients — the writer and a viewer — receive the restore as an ordinary update.
    for (const c of [y, other]) {
      await waitFor(() => titles(c).join() === 'Launch plan,Hiring', 'client receives the restore');
      expect(readBoard(c.doc).columns.agenda[0].notes).toBe('Draft');
      expect(readBoard(c.doc).columns.needs[0].status).toBe('open');
    }
    // Nothing erased: the state before the restore is a version of its own, and restoring it undoes the restore.
    const list = await versions(board);
    expect(list.map((v) => v.name)).toEqual(['Before restore', 'v1']);
    const undo = await api(server.url, 'POST', `/api/boards/${board.id}/versions/${restored.body.before.id}/restore`, undefined, board.tokens.facilitator);
    expect(undo.status).toBe(200);
    await waitFor(() => titles(y).join() === 'Launch plan,Retro', 'the undo reaches the client');
    expect(readBoard(y.doc).columns.agenda[0].notes).toBe('Draft, reviewed by Sam');
    // The undo's result is stored: a restart shows it.
    for (const c of clients.splice(0)) c.destroy();
    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    const after = await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
    expect(after.body.columns.agenda.map((c: { title: string }) => c.title)).toEqual(['Launch plan', 'Retro']);
    expect((await versions(board)).map((v) => v.name)).toEqual(['Before restore', 'Before restore', 'v1']);
  });

  it('copying a version makes an independent board with its own links', async () => {
    server = await startServer();
    const { board, y } = await boardWithCards();
    const v1 = (await api<VersionInfo>(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'v1' }, board.tokens.participant)).body;
    deleteCard(y.doc, 'agenda1');
    const copy = await api(server.url, 'POST', `/api/boards/${board.id}/versions/${v1.id}/copy`, { title: 'Sync, copy' }, board.tokens.facilitator);
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ title: 'Sync, copy', links: { facilitator: expect.stringContaining(copy.body.id) } });
    expect(copy.body.id).not.toBe(board.id);
    const token = (role: string) => new URL(copy.body.links[role]).searchParams.get('token')!;
    const copyBoard: TestBoard = {
      id: copy.body.id,
      links: copy.body.links,
      tokens: { facilitator: token('facilitator'), participant: token('participant'), viewer: token('viewer') },
    };
    // The old links do not open the copy; the copy's do.
    expect((await api(server.url, 'GET', `/api/boards/${copyBoard.id}`, undefined, board.tokens.facilitator)).status).toBe(403);
    const c = open(copyBoard);
    await synced(c);
    expect(titles(c)).toEqual(['Launch plan', 'Hiring']);
    deleteCard(c.doc, 'agenda2');
    await waitFor(
      async () => (await api(server.url, 'GET', `/api/boards/${copyBoard.id}`, undefined, copyBoard.tokens.viewer)).body.columns.agenda.length === 1,
      'copy edited',
    );
    const original = await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
    expect(original.body.columns.agenda.map((x: { title: string }) => x.title)).toEqual(['Hiring']);
  });

  it('marking an agenda item done, from any client, saves a version named after it', async () => {
    server = await startServer();
    const { board, y } = await boardWithCards();
    updateCard(y.doc, 'agenda1', { done: true });
    await waitFor(async () => (await versions(board)).some((v) => v.name === 'Agenda item done: Launch plan'), 'version on done');
    const v = (await versions(board)).find((x) => x.name === 'Agenda item done: Launch plan')!;
    expect(v.by).toBe('server');
    const old = await api(server.url, 'GET', `/api/boards/${board.id}/versions/${v.id}`, undefined, board.tokens.viewer);
    expect(old.body.columns.agenda[0].done).toBe(true);
  });

  it('a board that keeps changing gets an autosave, and another only after it changes again', async () => {
    server = await startServer({ config: { versionEveryMs: 100 } });
    const { board, y } = await boardWithCards();
    await waitFor(async () => (await versions(board)).filter((v) => v.name === 'Autosave').length === 1, 'first autosave');
    createCard(y.doc, { column: 'agenda', title: 'More' });
    await waitFor(async () => (await versions(board)).filter((v) => v.name === 'Autosave').length === 2, 'second autosave');
  });

  it('history.save is the hook for the meeting module', async () => {
    server = await startServer();
    const { board } = await boardWithCards();
    const v = await server.app.history.save(board.id, 'Meeting started');
    expect(v).toMatchObject({ name: 'Meeting started', by: 'server' });
    expect(await server.app.history.save('nosuchboard1', 'x')).toBeNull();
  });
});

describe('who may do what with versions', () => {
  it('a viewer cannot save or restore; a participant cannot restore or copy', async () => {
    server = await startServer();
    const { board } = await boardWithCards();
    const v1 = (await api<VersionInfo>(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'v1' }, board.tokens.participant)).body;
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'x' }, board.tokens.viewer)).status).toBe(403);
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/versions/${v1.id}/restore`, undefined, board.tokens.viewer)).status).toBe(403);
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/versions/${v1.id}/restore`, undefined, board.tokens.participant)).status).toBe(403);
    expect((await api(server.url, 'POST', `/api/boards/${board.id}/versions/${v1.id}/copy`, undefined, board.tokens.participant)).status).toBe(403);
    expect((await api(server.url, 'GET', `/api/boards/${board.id}/versions`)).status).toBe(401);
    expect((await versions(board)).map((v) => v.name)).toEqual(['v1']);
  });

  it('bad version ids and bodies get a clear 404 or 400', async () => {
    server = await startServer();
    const { board } = await boardWithCards();
    const other = await createBoard(server.url);
    const theirs = (await api<VersionInfo>(server.url, 'POST', `/api/boards/${other.id}/versions`, { name: 'theirs' }, other.tokens.participant)).body;
    for (const id of ['nosuchversion', 'bad%20id!', theirs.id]) {
      const r = await api(server.url, 'GET', `/api/boards/${board.id}/versions/${id}`, undefined, board.tokens.viewer);
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ code: 'not_found', message: 'no such version' });
      expect((await api(server.url, 'POST', `/api/boards/${board.id}/versions/${id}/restore`, undefined, board.tokens.facilitator)).status).toBe(404);
    }
    const empty = await api(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: '  ' }, board.tokens.participant);
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('name');
    const extra = await api(server.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'x', evil: 1 }, board.tokens.participant);
    expect(extra.body.error.message).toBe('unknown field: evil');
    const badCopy = await api(server.url, 'POST', `/api/boards/${board.id}/versions/${theirs.id}/copy`, { title: 'x'.repeat(201) }, board.tokens.facilitator);
    expect(badCopy.status).toBe(400);
  });
});
