/**
 * What a board may hold is bounded on the server, whatever client writes it: an update that breaks a bound is
 * refused with a close code and a reason, before it is stored or relayed; everything the server holds stays
 * readable, restorable (all or nothing) and exportable, even a board stored before these bounds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDecision, cardsMap, createCard, listCards, metaMap } from '../../shared/board-schema.js';
import { CloseCode } from '../../shared/errors.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let server: TestServer | null = null;
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.stop();
  server = null;
});

async function open(
  s: TestServer,
  board: TestBoard,
  token = board.tokens.participant,
): Promise<{ c: YClient; closes: Array<{ code: number; reason: string }> }> {
  const c = connect(s.wsUrl, board, token);
  clients.push(c);
  const closes: Array<{ code: number; reason: string }> = [];
  c.provider.on('connection-close', (e: CloseEvent | null) => e && closes.push({ code: e.code, reason: e.reason }));
  await synced(c);
  return { c, closes };
}

/** The board as stored on disk, read back through a fresh document. */
async function stored(s: TestServer, boardId: string): Promise<Y.Doc> {
  await s.app.registry.persisted();
  const { snapshot, updates } = await s.app.store.loadDocument(boardId);
  const doc = new Y.Doc();
  if (snapshot) Y.applyUpdate(doc, snapshot);
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc;
}

describe('document bounds', () => {
  it('a 40 KB decision is refused with a reason; nobody receives it, nothing stores it, and the server keeps answering', async () => {
    server = await startServer();
    const s = server;
    const board = await createBoard(s.url);
    const writer = await open(s, board);
    const reader = await open(s, board, board.tokens.viewer);
    const card = createCard(writer.c.doc, { column: 'agenda', title: 'Launch' });
    await waitFor(() => listCards(reader.c.doc, 'agenda').length === 1, 'the card reaches the reader');

    addDecision(writer.c.doc, card, { text: 'by' + ' '.repeat(40_000) + '. tomorrow', decidedBy: 'Mallory' });
    await waitFor(() => writer.closes.length > 0, 'the writer is closed');
    expect(writer.closes[0].code).toBe(CloseCode.InvalidContent);
    expect(writer.closes[0].reason).toMatch(/longer than 10,000 characters/);
    expect((await api(s.url, 'GET', '/api/health')).status).toBe(200);
    // Others carry on: the reader still gets edits, and sees no decision.
    const other = await open(s, board);
    createCard(other.c.doc, { column: 'agenda', title: 'After the refusal' });
    await waitFor(() => listCards(reader.c.doc, 'agenda').length === 2, 'later edits still relayed');
    expect(listCards(reader.c.doc, 'agenda')[0].decisions).toEqual([]);
    expect(listCards(await stored(s, board.id), 'agenda')[0].decisions).toEqual([]);
    expect(reader.closes).toEqual([]);
  });

  it('refuses nesting past the schema and out-of-range values, keeping the board as it was', async () => {
    server = await startServer();
    const s = server;
    const board = await createBoard(s.url);
    const a = await open(s, board);
    const card = createCard(a.c.doc, { column: 'agenda', title: 'Deep' });
    await s.app.registry.persisted();
    a.c.doc.transact(() => {
      let m = new Y.Map<unknown>();
      cardsMap(a.c.doc).get(card)!.set('deep', m);
      for (let i = 0; i < 20_000; i++) {
        const inner = new Y.Map<unknown>();
        m.set('x', inner);
        m = inner;
      }
    });
    await waitFor(() => a.closes.length > 0, 'closed');
    expect(a.closes[0]).toMatchObject({ code: CloseCode.InvalidContent });
    expect(a.closes[0].reason).toMatch(/nest at most/);

    const b = await open(s, board);
    metaMap(b.c.doc).set('createdAt', 1e16);
    await waitFor(() => b.closes.length > 0, 'closed');
    expect(b.closes[0]).toMatchObject({ code: CloseCode.InvalidContent });

    const view = await api(s.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
    expect(view.status).toBe(200);
    expect(view.body.columns.agenda.map((c: { title: string }) => c.title)).toEqual(['Deep']);
    const saved = await api(s.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'Checkpoint' }, board.tokens.participant);
    expect(saved.status).toBe(201);
    const restored = await api(s.url, 'POST', `/api/boards/${board.id}/versions/${saved.body.id}/restore`, {}, board.tokens.facilitator);
    expect(restored.status).toBe(200);
    expect(
      cardsMap(await stored(s, board.id))
        .get(card)!
        .has('deep'),
    ).toBe(false);
  });

  it('a board full of tiny items refuses more with 4413, and its other users carry on', async () => {
    server = await startServer({ config: { maxBoardItems: 2000 } });
    const s = server;
    const board = await createBoard(s.url);
    const flooder = await open(s, board);
    const reader = await open(s, board, board.tokens.viewer);
    const arr = new Y.Array<number>();
    metaMap(flooder.c.doc).set('many', arr);
    // Unmergeable: each insert goes to the other end of the list, in its own transaction and update.
    for (let i = 0; i < 3000 && flooder.closes.length === 0; i++) flooder.c.doc.transact(() => arr.insert(i % 2 ? 0 : arr.length, [i]));
    await waitFor(() => flooder.closes.length > 0, 'the flooder is closed');
    expect(flooder.closes[0].code).toBe(CloseCode.BoardFull);
    expect(flooder.closes[0].reason).toMatch(/this board is full/);
    const held = (metaMap(await stored(s, board.id)).get('many') as Y.Array<number> | undefined)?.length ?? 0;
    expect(held).toBeLessThan(2000);
    // A REST write (bounded by its own schema) still lands and reaches the reader.
    const res = await api(s.url, 'POST', `/api/boards/${board.id}/cards`, { column: 'agenda', title: 'Still here' }, board.tokens.participant);
    expect(res.status).toBe(201);
    await waitFor(() => listCards(reader.c.doc, 'agenda').some((c) => c.title === 'Still here'), 'relayed');
    expect(reader.closes).toEqual([]);
  });

  it('a board stored before the bounds (time out of range, deep nesting) is readable and exportable, and a restore is all or nothing', async () => {
    server = await startServer();
    let s = server;
    const board = await createBoard(s.url, 'Old data');
    // Written as an earlier server accepted it, straight into the update log.
    const old = new Y.Doc();
    Y.applyUpdate(old, Y.encodeStateAsUpdate(await stored(s, board.id)));
    const sv = Y.encodeStateVector(old);
    const card = createCard(old, { column: 'agenda', title: 'Deep card' });
    old.transact(() => {
      let m = new Y.Map<unknown>();
      cardsMap(old).get(card)!.set('deep', m);
      for (let i = 0; i < 200; i++) {
        const inner = new Y.Map<unknown>();
        m.set('x', inner);
        m = inner;
      }
      metaMap(old).set('createdAt', 1e16);
    });
    await s.stop();
    server = await startServer({ dataDir: s.dataDir });
    s = server;
    await s.app.store.appendUpdates([{ boardId: board.id, update: Y.encodeStateAsUpdate(old, sv) }]);

    for (const path of ['', '/summary', '/actions', '/actions.csv', '/actions.ics', '/actions.md', '/search?q=Deep', '/versions', '/audit']) {
      const res = await api(s.url, 'GET', `/api/boards/${board.id}${path}`, undefined, board.tokens.viewer);
      expect([path, res.status]).toEqual([path, 200]);
    }
    const exported = await api(s.url, 'GET', `/api/boards/${board.id}/export`, undefined, board.tokens.facilitator);
    expect(exported.status).toBe(200);

    const v1 = await api(s.url, 'POST', `/api/boards/${board.id}/versions`, { name: 'With the deep card' }, board.tokens.participant);
    expect(v1.status).toBe(201);
    const renamed = await api(s.url, 'PATCH', `/api/boards/${board.id}`, { title: 'Renamed since' }, board.tokens.participant);
    expect(renamed.status).toBe(200);
    const versionsBefore = (await api(s.url, 'GET', `/api/boards/${board.id}/versions`, undefined, board.tokens.viewer)).body.versions.length;
    const restore = await api(s.url, 'POST', `/api/boards/${board.id}/versions/${v1.body.id}/restore`, {}, board.tokens.facilitator);
    expect(restore.status).toBe(422);
    expect(restore.body.error.message).toMatch(/nests deeper/);
    // Nothing changed: not the title, not the version list.
    expect(metaMap(await stored(s, board.id)).get('title')).toBe('Renamed since');
    expect((await api(s.url, 'GET', `/api/boards/${board.id}/versions`, undefined, board.tokens.viewer)).body.versions.length).toBe(versionsBefore);
  });

  it('an import is checked like any update: a document or version past the bounds is refused and creates nothing', async () => {
    server = await startServer();
    const s = server;
    const board = await createBoard(s.url, 'Export me');
    const file = (await api(s.url, 'GET', `/api/boards/${board.id}/export`, undefined, board.tokens.facilitator)).body;
    const hostile = new Y.Doc();
    Y.applyUpdate(hostile, Buffer.from(file.document, 'base64'));
    const card = createCard(hostile, { column: 'agenda', title: 'Launch' });
    addDecision(hostile, card, { text: 'by' + ' '.repeat(40_000) + '. tomorrow', decidedBy: 'Mallory' });
    const bad = Buffer.from(Y.encodeStateAsUpdate(hostile)).toString('base64');

    const inDocument = await api(s.url, 'POST', '/api/boards/import', { ...file, document: bad });
    expect(inDocument.status).toBe(400);
    expect(inDocument.body.error).toMatchObject({ field: 'document' });
    expect(inDocument.body.error.message).toMatch(/longer than 10,000 characters/);
    const inVersion = await api(s.url, 'POST', '/api/boards/import', { ...file, versions: [{ name: 'Old', createdAt: Date.now(), document: bad }] });
    expect(inVersion.status).toBe(400);
    expect(inVersion.body.error).toMatchObject({ field: 'versions.0.document' });
    expect(s.app.registry.loadedCount).toBeLessThanOrEqual(1);
    expect((await api(s.url, 'POST', '/api/boards/import', file)).status).toBe(201);
  });
});
