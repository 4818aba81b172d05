import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { cardText, cardsMap, createCard, createCards, listCards, readBoard, readMeta } from '../../shared/board-schema.js';
import { CloseCode } from '../../shared/errors.js';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import { DATABASE_FILE } from '../../server/store/sqlite-database.js';
import type { BoardRegistry, StoredChange } from '../../server/sync/board-registry.js';
import { api, createBoard, startServer, type TestBoard, type TestServer } from '../helpers/server.js';
import { connect, synced, waitFor, type YClient } from '../helpers/yclient.js';

let server: TestServer;
const clients: YClient[] = [];
const open = (board: TestBoard, token = board.tokens.participant) => {
  const c = connect(server.wsUrl, board, token);
  clients.push(c);
  return c;
};

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.stop();
});

/** Opens a raw websocket to a board and resolves once it is open. */
function raw(boardId: string, token?: string): Promise<WebSocket> {
  const ws = new WebSocket(`${server.wsUrl}/yjs/${boardId}${token ? `?token=${token}` : ''}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}
const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

describe('y-websocket sync', () => {
  it('two clients editing the same card text at once converge character by character', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    const b = open(board);
    await Promise.all([synced(a), synced(b)]);
    const cardId = createCard(a.doc, { column: 'agenda', title: 'Wins' }, { createdBy: 'Ana' });
    await waitFor(() => cardText(b.doc, cardId, 'title')?.toString() === 'Wins', 'card reaches b');

    // Concurrent: both type before either sees the other's edit.
    cardText(a.doc, cardId, 'title')!.insert(4, ' and losses');
    cardText(b.doc, cardId, 'title')!.insert(0, 'Q4 ');
    const both = 'Q4 Wins and losses';
    await waitFor(
      () => cardText(a.doc, cardId, 'title')?.toString() === both && cardText(b.doc, cardId, 'title')?.toString() === both,
      'both clients show the merged text',
    );
    expect(readBoard(a.doc)).toEqual(readBoard(b.doc));
  });

  it('concurrent adds, moves and deletes of cards merge', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    const b = open(board);
    await Promise.all([synced(a), synced(b)]);
    const first = createCard(a.doc, { column: 'challenges', problem: 'Churn in EMEA' });
    await waitFor(() => listCards(b.doc, 'challenges').length === 1, 'b sees the first challenge');
    createCard(a.doc, { column: 'challenges', problem: 'Slow onboarding' }, { index: 0 });
    createCard(b.doc, { column: 'challenges', problem: 'Pricing page' });
    cardsMap(b.doc).delete(first);
    await waitFor(() => listCards(a.doc, 'challenges').length === 2 && listCards(b.doc, 'challenges').length === 2, 'both see two challenges');
    expect(listCards(a.doc, 'challenges').map((c) => c.problem)).toEqual(listCards(b.doc, 'challenges').map((c) => c.problem));
  });

  it('a card created through REST appears in connected clients', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    await synced(a);
    const res = await api(
      server.url,
      'POST',
      `/api/boards/${board.id}/cards`,
      {
        column: 'needs',
        asker: 'Priya',
        addressee: 'Sam',
        what: 'Numbers for the board deck',
        byWhen: '2026-12-01',
      },
      board.tokens.participant,
    );
    expect(res.status).toBe(201);
    await waitFor(() => listCards(a.doc, 'needs').length === 1, 'need reaches the client');
    expect(listCards(a.doc, 'needs')[0]).toMatchObject({ id: res.body.card.id, asker: 'Priya', addressee: 'Sam', status: 'open' });
  });

  it('an update is in the database before any other client receives it', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    const b = open(board);
    await Promise.all([synced(a), synced(b)]);
    const reader = new SqliteStore(server.dataDir);
    try {
      for (let i = 0; i < 5; i++) {
        const id = createCard(a.doc, { column: 'agenda', title: `Item ${i}` });
        await waitFor(() => cardsMap(b.doc).has(id), `item ${i} reaches b`);
        // b has it: so must the store, read independently of the running server.
        const stored = await reader.loadDocument(board.id);
        const doc = new Y.Doc();
        if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
        for (const u of stored.updates) Y.applyUpdate(doc, u);
        expect(cardsMap(doc).has(id)).toBe(true);
      }
    } finally {
      await reader.close();
    }
  });

  /**
   * Registers an extension after the relay that notes, for each commit it hears of, its changes and how many of
   * the board's updates an independent reader finds in the SQLite log at that moment.
   */
  function listenAfterRelay(s: TestServer, registry: BoardRegistry, boardId: string) {
    const reader = new Database(path.join(s.dataDir, DATABASE_FILE), { readonly: true });
    const count = reader.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM updates WHERE board_id = ?');
    const commits: Array<{ changes: readonly StoredChange[]; inLog: number }> = [];
    registry.use({ name: 'test-listener', attach: () => ({ stored: (changes) => commits.push({ changes, inLog: count.get(boardId)!.n }), detach() {} }) });
    return { commits, inLog: () => count.get(boardId)!.n, close: () => reader.close() };
  }

  it('on a quiet server a change is stored and relayed in the same turn, and is in the log before anyone hears of it', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    const b = open(board);
    await Promise.all([synced(a), synced(b)]);
    const registry = server.app.registry;
    await registry.persisted();
    const listener = listenAfterRelay(server, registry, board.id);
    try {
      const before = listener.inLog();
      // The server's own write (as the REST API makes one): the next turn has not begun when the relay, and the
      // extensions after it, have heard of the stored change.
      const heardByNextTurn = new Promise<number>((resolve) => setImmediate(() => resolve(listener.commits.length)));
      registry.loaded(board.id)!.doc.getArray<string>('quiet').push(['one']);
      expect(await heardByNextTurn).toBe(1);
      expect(listener.commits[0].inLog).toBe(before + 1);
      await waitFor(() => b.doc.getArray('quiet').length === 1 && a.doc.getArray('quiet').length === 1, 'both clients have it');
    } finally {
      listener.close();
    }
  });

  it('a stream of changes is coalesced into spaced commits, each stored whole and in order before it is relayed', async () => {
    const busy = await startServer({ config: { relayCoalesceMs: 20 } });
    try {
      const board = await createBoard(busy.url);
      const registry = busy.app.registry;
      const loaded = (await registry.acquire(board.id))!;
      await registry.persisted();
      const listener = listenAfterRelay(busy, registry, board.id);
      const before = listener.inLog();
      const list = loaded.doc.getArray<number>('stream');
      // One change per turn, as fast as the server can take them: it stores and relays each of the first ones
      // at once, then, seeing how busy it is, gathers the rest into commits spaced 20 ms apart.
      for (let i = 0; i < 60; i++) {
        list.push([i]);
        await new Promise((r) => setImmediate(r));
      }
      await registry.persisted();
      const { commits } = listener;
      expect(commits.length).toBeLessThan(60);
      expect(commits.some((c) => c.changes.length > 1)).toBe(true);
      let stored = before;
      for (const c of commits) {
        stored += c.changes.length;
        expect(c.inLog).toBe(stored);
      }
      expect(stored).toBe(before + 60);
      const seqs = commits.flatMap((c) => c.changes.map((x) => x.seq));
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      listener.close();
      registry.release(loaded);
    } finally {
      await busy.stop();
    }
  });

  it('bursts from two writers reach every peer whole and in order, and nobody gets their own updates back', async () => {
    const board = await createBoard(server.url);
    // Raw clients, so that every frame the server sends is seen (a provider would swallow echoes silently).
    const peers = await Promise.all(
      ['A', 'B', 'C'].map(async (name) => {
        const ws = await raw(board.id, board.tokens.participant);
        const doc = new Y.Doc();
        const got: string[] = [];
        ws.on('message', (data: Buffer) => {
          const d = decoding.createDecoder(new Uint8Array(data));
          if (decoding.readVarUint(d) !== 0) return; // awareness
          const step = decoding.readVarUint(d);
          const update = decoding.readVarUint8Array(d);
          if (step === 2) for (const s of Y.decodeUpdate(update).structs) if (s instanceof Y.Item) got.push(...(s.content.getContent() as string[]));
          if (step !== 0) Y.applyUpdate(doc, update, 'server');
        });
        doc.on('update', (update: Uint8Array, origin: unknown) => {
          if (origin === 'server') return;
          const e = encoding.createEncoder();
          encoding.writeVarUint(e, 0);
          encoding.writeVarUint(e, 2);
          encoding.writeVarUint8Array(e, update);
          ws.send(encoding.toUint8Array(e));
        });
        return { name, ws, doc, got, list: doc.getArray<string>('burst') };
      }),
    );
    const [a, b, c] = peers;
    // Each push is its own update; both bursts are sent within one turn, so the server relays them in batches.
    for (let i = 0; i < 50; i++) {
      a.list.push([`A${i}`]);
      b.list.push([`B${i}`]);
    }
    const expectAll = (xs: string[], who: string) => expect(xs.filter((x) => x.startsWith(who))).toEqual(Array.from({ length: 50 }, (_, i) => `${who}${i}`));
    await waitFor(() => c.list.length === 100 && a.list.length === 100 && b.list.length === 100, 'everyone has both bursts');
    expectAll(c.got, 'A');
    expectAll(c.got, 'B');
    expect(a.got.filter((x) => x.startsWith('A'))).toEqual([]);
    expectAll(a.got, 'B');
    expect(b.got.filter((x) => x.startsWith('B'))).toEqual([]);
    expectAll(b.got, 'A');
    expect(a.list.toArray()).toEqual(c.list.toArray());
    expect(b.list.toArray()).toEqual(c.list.toArray());
    for (const p of peers) p.ws.close();
  });

  it('every edit survives a server restart', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    await synced(a);
    const id = createCard(a.doc, { column: 'agenda', title: 'Hiring plan', owner: 'Lee', timebox: 10 });
    cardText(a.doc, id, 'notes')!.insert(0, 'Two roles open');
    const expected = readBoard(a.doc);
    await waitFor(
      async () => (await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body.columns.agenda[0]?.notes === 'Two roles open',
      'server has the edit',
    );
    a.destroy();
    clients.length = 0;
    await server.stop();

    server = await startServer({ dataDir: server.dataDir });
    const res = await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
    expect(res.status).toBe(200);
    expect({ meta: res.body.meta, columns: res.body.columns }).toEqual(expected);
    const c = open(board);
    await synced(c);
    expect(readBoard(c.doc)).toEqual(expected);
  });

  it('on a cold load a new client is served the stored state before the board is integrated, then only what is newer', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    await synced(a);
    createCards(
      a.doc,
      Array.from({ length: 300 }, (_, i) => ({ column: 'agenda' as const, title: `Item ${i}` })),
    );
    const stored = readBoard(a.doc);
    await waitFor(
      async () => (await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body.columns.agenda.length === 300,
      'server has the cards',
    );
    // An offline copy: a client that already holds the state.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(a.doc));
    a.destroy();
    clients.length = 0;
    await server.stop();

    server = await startServer({ dataDir: server.dataDir });
    const steps = (ws: WebSocket) => {
      const seen: { step: number; bytes: number }[] = [];
      ws.on('message', (data: Buffer) => {
        const d = decoding.createDecoder(new Uint8Array(data));
        if (decoding.readVarUint(d) === 0) seen.push({ step: decoding.readVarUint(d), bytes: data.byteLength });
      });
      return seen;
    };
    const fresh = await raw(board.id, board.tokens.participant);
    const freshSteps = steps(fresh);
    const copy = await raw(board.id, board.tokens.participant);
    const copySteps = steps(copy);
    const step1 = (sv: Uint8Array) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint8Array(e, sv);
      return encoding.toUint8Array(e);
    };
    fresh.send(step1(Y.encodeStateVector(new Y.Doc())));
    copy.send(step1(Y.encodeStateVector(offline)));
    await waitFor(() => freshSteps.filter((s) => s.step === 1).length >= 2 && copySteps.some((s) => s.step === 1), 'both answered');
    // The fresh client got the whole stored state first, and its own step 2 later carries nothing it has.
    const freshStep2 = freshSteps.filter((s) => s.step === 1);
    expect(freshStep2[0].bytes).toBeGreaterThan(5000);
    expect(freshStep2[1].bytes).toBeLessThan(100);
    // The client with a copy was not sent the whole state again.
    expect(copySteps.filter((s) => s.step === 1).every((s) => s.bytes < 100)).toBe(true);
    fresh.close();
    copy.close();

    // And a stock provider on a cold board ends with the same board, and keeps receiving edits.
    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    const b = open(board);
    const c = open(board);
    await Promise.all([synced(b), synced(c)]);
    expect(readBoard(b.doc)).toEqual(stored);
    createCard(c.doc, { column: 'needs', asker: 'Ana', addressee: 'Bo', what: 'After the load' });
    await waitFor(() => listCards(b.doc, 'needs').length === 1, 'b gets the new card');
    expect(readBoard(b.doc)).toEqual(readBoard(c.doc));
  });

  it('edits made while disconnected merge on reconnect', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    const b = open(board);
    await Promise.all([synced(a), synced(b)]);
    a.provider.disconnect();
    const offline = createCard(a.doc, { column: 'agenda', title: 'Written on the train' });
    const online = createCard(b.doc, { column: 'agenda', title: 'Written at the desk' });
    await waitFor(
      async () => (await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body.columns.agenda.length === 1,
      'b reached the server',
    );
    a.provider.connect();
    await waitFor(() => cardsMap(a.doc).has(online) && cardsMap(b.doc).has(offline), 'both edits everywhere');
    expect(readBoard(a.doc)).toEqual(readBoard(b.doc));
  });
});

describe('presence', () => {
  it('a tab that leaves takes its presence along: the others see it go and the server keeps nothing of it', async () => {
    const board = await createBoard(server.url);
    const stay = open(board);
    await synced(stay);
    const loaded = server.app.registry.loaded(board.id)!;
    for (let i = 0; i < 5; i++) {
      const tab = open(board);
      await synced(tab);
      tab.provider.awareness.setLocalStateField('user', { name: `Tab ${i}`, color: '#175cd3' });
      const id = tab.doc.clientID;
      await waitFor(() => stay.provider.awareness.getStates().has(id), 'the others see the tab');
      tab.destroy();
      await waitFor(() => !stay.provider.awareness.getStates().has(id), 'the others see it go');
      await waitFor(() => !loaded.awareness.meta.has(id), 'the server forgets it');
    }
    expect(loaded.awareness.meta.size).toBeLessThanOrEqual(1);
  });
});

describe('bad input on the websocket', () => {
  it('an unknown board is closed with a reason and nothing is created', async () => {
    const ws = await raw('doesNotExist123');
    expect(await closed(ws)).toEqual({ code: CloseCode.BoardNotFound, reason: 'board not found' });
    const res = await api(server.url, 'GET', '/api/boards/doesNotExist123');
    expect(res.status).toBe(404);
  });

  it('a malformed frame closes only its sender; others carry on and the board is intact', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    const b = open(board);
    await Promise.all([synced(a), synced(b)]);
    createCard(a.doc, { column: 'agenda', title: 'Before' });
    await waitFor(() => listCards(b.doc, 'agenda').length === 1, 'first card reaches b');

    for (const frame of [
      new Uint8Array([0xff, 0xff, 0xff]), // not a message type
      new Uint8Array([0, 2, 50, 1, 2, 3]), // update whose length exceeds the frame
      new Uint8Array([0, 2, 5, 9, 9, 9, 9, 9]), // update that is not a Yjs update
      new Uint8Array([]),
    ]) {
      const bad = await raw(board.id, board.tokens.participant);
      const done = closed(bad);
      bad.send(frame);
      expect((await done).code).toBe(CloseCode.InvalidMessage);
    }
    const text = await raw(board.id, board.tokens.participant);
    const textClosed = closed(text);
    text.send('hello');
    expect((await textClosed).code).toBe(CloseCode.InvalidMessage);

    createCard(b.doc, { column: 'agenda', title: 'After' });
    await waitFor(() => listCards(a.doc, 'agenda').length === 2, 'later edits still flow');
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
    const res = await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
    expect(res.body.columns.agenda.map((c: { title: string }) => c.title)).toEqual(['Before', 'After']);
  });

  it('a frame over the size limit is refused and closes its sender', async () => {
    await server.stop();
    server = await startServer({ config: { maxMessageBytes: 64 * 1024 } });
    const board = await createBoard(server.url);
    const a = open(board);
    await synced(a);
    const ws = await raw(board.id, board.tokens.participant);
    const done = closed(ws);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, new Uint8Array(100 * 1024));
    ws.send(encoding.toUint8Array(e));
    expect((await done).code).toBe(CloseCode.TooLarge);
    createCard(a.doc, { column: 'agenda', title: 'Still fine' });
    await waitFor(
      async () => (await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer)).body.columns.agenda.length === 1,
      'the board still works',
    );
  });

  it('other websocket paths are refused at the handshake', async () => {
    const ws = new WebSocket(`${server.wsUrl}/elsewhere`);
    const err = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(err.message).toMatch(/404/);
  });
});

describe('board lifecycle', () => {
  it('a board unloads after its last client leaves and its log is compacted', async () => {
    const board = await createBoard(server.url);
    const a = open(board);
    await synced(a);
    for (let i = 0; i < 20; i++) createCard(a.doc, { column: 'agenda', title: `Item ${i}` });
    await waitFor(() => server.app.registry.loaded(board.id)?.doc.getMap('cards').size === 20, 'server has 20 cards');
    a.destroy();
    clients.length = 0;
    await waitFor(() => server.app.registry.loaded(board.id) === undefined, 'board unloaded');
    expect(await server.app.store.logLength(board.id)).toBe(0);
    const res = await api(server.url, 'GET', `/api/boards/${board.id}`, undefined, board.tokens.viewer);
    expect(res.body.columns.agenda).toHaveLength(20);
  });

  it('a title edited in the document is stored for listings', async () => {
    const board = await createBoard(server.url, 'Old title');
    const a = open(board);
    await synced(a);
    a.doc.getMap('meta').set('title', 'New title');
    await waitFor(async () => (await server.app.store.getBoard(board.id))?.title === 'New title', 'title stored');
    expect(readMeta(a.doc).title).toBe('New title');
  });
});

describe('roles on the websocket', () => {
  it('no token closes with 4401 and a wrong one with 4403, before any board state is sent', async () => {
    const board = await createBoard(server.url);
    for (const [token, code] of [
      [undefined, CloseCode.Unauthorized],
      ['x'.repeat(43), CloseCode.Forbidden],
    ] as const) {
      const ws = await raw(board.id, token);
      const frames: Buffer[] = [];
      ws.on('message', (d: Buffer) => frames.push(d));
      expect((await closed(ws)).code).toBe(code);
      expect(frames).toEqual([]);
    }
  });

  it("a viewer's update is neither applied, stored nor relayed, while the viewer's presence still shows", async () => {
    const board = await createBoard(server.url);
    const editor = open(board);
    const viewer = open(board, board.tokens.viewer);
    await Promise.all([synced(editor), synced(viewer)]);
    viewer.provider.awareness.setLocalStateField('user', { name: 'Vic', color: '#175cd3' });
    await waitFor(
      () => [...editor.provider.awareness.getStates().values()].some((s) => (s.user as { name?: string } | undefined)?.name === 'Vic'),
      "viewer's presence reaches the editor",
    );
    createCard(viewer.doc, { column: 'agenda', title: 'Viewer was here' });
    // Frames of one socket are handled in order: once this presence change has reached the editor, the
    // server has handled the viewer's update that was sent before it.
    viewer.provider.awareness.setLocalStateField('editing', 'after-write');
    await waitFor(() => [...editor.provider.awareness.getStates().values()].some((s) => s.editing === 'after-write'), "viewer's later frame handled");
    const marker = createCard(editor.doc, { column: 'agenda', title: 'marker' });
    await waitFor(() => cardsMap(viewer.doc).has(marker), 'marker reaches the viewer');
    await server.app.registry.persisted();
    expect(listCards(server.app.registry.loaded(board.id)!.doc, 'agenda').map((c) => c.title)).toEqual(['marker']);
    expect(listCards(editor.doc, 'agenda').map((c) => c.title)).toEqual(['marker']);
    const reader = new SqliteStore(server.dataDir);
    try {
      const stored = await reader.loadDocument(board.id);
      const doc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
      expect(listCards(doc, 'agenda').map((c) => c.title)).toEqual(['marker']);
    } finally {
      await reader.close();
    }
  });

  it('replacing the participant link disconnects holders of the old one, and it no longer opens', async () => {
    const board = await createBoard(server.url);
    const participant = open(board);
    const viewer = open(board, board.tokens.viewer);
    await Promise.all([synced(participant), synced(viewer)]);
    const codes: number[] = [];
    participant.provider.on('connection-close', (e: CloseEvent | null) => e && codes.push(e.code));
    const res = await api(server.url, 'POST', `/api/boards/${board.id}/links/rotate`, { role: 'participant' }, board.tokens.facilitator);
    expect(res.status).toBe(200);
    await waitFor(() => codes.includes(CloseCode.Forbidden), 'old participant link disconnected');
    participant.provider.disconnect();
    expect(viewer.provider.wsconnected).toBe(true);
    const again = await raw(board.id, board.tokens.participant);
    expect((await closed(again)).code).toBe(CloseCode.Forbidden);
    const fresh = open(board, new URL(res.body.link).searchParams.get('token')!);
    await synced(fresh);
  });
});
