/**
 * One board's failure never holds another's writes: a board deleted while it loads, or removed from the
 * store under a connected client, drops its own updates and closes its own connections, and every other
 * board keeps saving, relaying and serving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { createCard, listCards } from '../../shared/board-schema.js';
import { CloseCode } from '../../shared/errors.js';
import { syncFrame } from '../helpers/frames.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let server: TestServer | null = null;
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.stop();
  server = null;
});

/** A raw y-websocket client that sends sync step 1 and one update the moment it opens. */
function rawWriter(s: TestServer, board: TestBoard): { ws: WebSocket; closed: Promise<number> } {
  const ws = new WebSocket(`${s.wsUrl}/yjs/${board.id}?token=${board.tokens.participant}`);
  const doc = new Y.Doc();
  createCard(doc, { column: 'agenda', title: 'Typed while the board was being deleted' });
  ws.on('open', () => {
    ws.send(syncFrame(0, Y.encodeStateVector(new Y.Doc())));
    ws.send(syncFrame(2, Y.encodeStateAsUpdate(doc)));
  });
  return { ws, closed: new Promise((resolve) => ws.on('close', (code) => resolve(code))) };
}

/** Asserts that `board` takes a REST write and that a fresh client is served it. */
async function stillWorks(s: TestServer, board: TestBoard, title: string): Promise<void> {
  const res = await api(s.url, 'POST', `/api/boards/${board.id}/cards`, { column: 'agenda', title }, board.tokens.participant);
  expect(res.status).toBe(201);
  const fresh = connect(s.wsUrl, board, board.tokens.viewer);
  clients.push(fresh);
  await synced(fresh);
  await waitFor(() => listCards(fresh.doc, 'agenda').some((c) => c.title === title), `a new viewer of another board sees "${title}"`);
}

describe('one board never holds another', () => {
  it('a board deleted while its stored state is served closes its waiting connection, and other boards keep saving', async () => {
    server = await startServer();
    const s = server;
    const doomed = await createBoard(s.url, 'Doomed');
    const other = await createBoard(s.url, 'Other');
    // The delete lands exactly in the cold-load window: after the stored state was read, before it is used.
    let deleted = false;
    s.app.registry.use({
      name: 'delete-during-load',
      attach: () => ({ detach: () => {} }),
      storedRead: async (id) => {
        if (id !== doomed.id || deleted) return;
        deleted = true;
        const res = await api(s.url, 'DELETE', `/api/boards/${doomed.id}`, undefined, doomed.tokens.facilitator);
        expect(res.status).toBe(204);
      },
    });
    const writer = rawWriter(s, doomed);
    expect(await writer.closed).toBe(CloseCode.BoardDeleted);
    expect(deleted).toBe(true);
    expect(s.app.registry.loaded(doomed.id)).toBeUndefined();
    await s.app.registry.persisted();
    await stillWorks(s, other, 'Still saving after the other board went');
    // The deleted board stays deleted: nothing brought it back.
    expect((await api(s.url, 'GET', `/api/boards/${doomed.id}`, undefined, doomed.tokens.viewer)).status).toBe(404);
  });

  it('updates for a board removed from the store are dropped and its clients told, while another board saves and relays', async () => {
    server = await startServer();
    const s = server;
    const gone = await createBoard(s.url, 'Removed under its users');
    const other = await createBoard(s.url, 'Busy next door');
    const a = connect(s.wsUrl, gone);
    const b = connect(s.wsUrl, other);
    const b2 = connect(s.wsUrl, other);
    clients.push(a, b, b2);
    await Promise.all([synced(a), synced(b), synced(b2)]);
    const closes: number[] = [];
    a.provider.on('connection-close', (e: CloseEvent | null) => e && closes.push(e.code));
    const bCloses: number[] = [];
    b.provider.on('connection-close', (e: CloseEvent | null) => e && bCloses.push(e.code));

    // Another process (or a restore from backup) removed the board's rows; the server still holds it.
    expect(await s.app.store.deleteBoard(gone.id)).toBe(true);
    createCard(a.doc, { column: 'agenda', title: 'Written to a board that is gone' });
    createCard(b.doc, { column: 'agenda', title: 'Written next door at the same time' });

    await waitFor(() => closes.includes(CloseCode.BoardDeleted), 'the removed board’s client is told it was deleted');
    await waitFor(() => listCards(b2.doc, 'agenda').some((c) => c.title === 'Written next door at the same time'), 'the other board relays');
    await s.app.registry.persisted();
    expect(s.app.registry.loaded(gone.id)).toBeUndefined();
    await stillWorks(s, other, 'And keeps taking REST writes');
    expect(bCloses).toEqual([]);
  });
});
